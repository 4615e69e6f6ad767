package dev.ebpm.loader.internal;

import java.util.Optional;

/**
 * What the public {@code BpfMap} needs of a map, whether it is one of an open libbpf object ({@link LibbpfMap}) or a
 * map opened from its bpffs pin ({@link PinnedMapFd}). Element operations report "no such key" (ENOENT) as false and
 * every other failure as a {@link NativeException}.
 */
public interface MapHandle {
    String name();

    int fd();

    int type();

    int keySize();

    int valueSize();

    int maxEntries();

    int btfKeyTypeId();

    int btfValueTypeId();

    boolean isInternal();

    /** A copy of libbpf's initial contents of a data-section map, or empty (always empty for a pinned map). */
    Optional<byte[]> initialValue();

    /** @throws NativeException */
    void setInitialValue(byte[] value);

    /** @return false if there is no such key */
    boolean lookup(byte[] key, byte[] value, long flags);

    void update(byte[] key, byte[] value, long flags);

    /** @return false if there was no such key */
    boolean delete(byte[] key, long flags);

    /** @param key null for the first key @return false after the last key */
    boolean nextKey(byte[] key, byte[] next);

    /** Pins the map at {@code path} in bpffs. @throws NativeException */
    void pin(String path);
}
