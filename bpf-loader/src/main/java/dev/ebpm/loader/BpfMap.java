package dev.ebpm.loader;

import dev.ebpm.loader.internal.Host;
import dev.ebpm.loader.internal.MapHandle;
import dev.ebpm.loader.internal.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * One map of a {@link BpfObject}, or of a {@link PinnedMap}; owned by it. Its name stays readable after its owner is
 * closed; anything else throws {@link IllegalStateException} then. Element operations take keys of
 * exactly {@link #keySize()} bytes and values of exactly {@link #valueBufferSize()} bytes, since the
 * kernel reads and writes that many.
 */
public final class BpfMap {
    public static final int TYPE_HASH = 1, TYPE_ARRAY = 2, TYPE_PERF_EVENT_ARRAY = 4,
            TYPE_PERCPU_HASH = 5, TYPE_PERCPU_ARRAY = 6, TYPE_LRU_PERCPU_HASH = 10,
            TYPE_PERCPU_CGROUP_STORAGE = 21, TYPE_RINGBUF = 27;
    /** Update flag: create or replace. */
    public static final long BPF_ANY = 0;

    /** What a map belongs to: the object it was loaded with, or the pin it was opened from. */
    interface Owner {
        /** @throws IllegalStateException naming the handle once the owner is closed */
        void checkOpen(String kind, String handleName);
    }

    private final Owner owner;
    private final MapHandle handle;
    private final String name;

    BpfMap(Owner owner, MapHandle handle) {
        this.owner = owner;
        this.handle = handle;
        this.name = handle.name();
    }

    public String name() {
        return name;
    }

    /** The map's fd once loaded, or a negative number before. */
    public int fd() {
        return handle().fd();
    }

    public int type() {
        return handle().type();
    }

    public int keySize() {
        return handle().keySize();
    }

    public int valueSize() {
        return handle().valueSize();
    }

    public int maxEntries() {
        return handle().maxEntries();
    }

    public int btfKeyTypeId() {
        return handle().btfKeyTypeId();
    }

    public int btfValueTypeId() {
        return handle().btfValueTypeId();
    }

    /** A data section map (.rodata, .bss, .data, .kconfig) that libbpf made from the object's globals. */
    public boolean isInternal() {
        return handle().isInternal();
    }

    /** Whether each key holds one value per possible CPU. */
    public boolean isPerCpu() {
        int t = type();
        return t == TYPE_PERCPU_HASH || t == TYPE_PERCPU_ARRAY || t == TYPE_LRU_PERCPU_HASH || t == TYPE_PERCPU_CGROUP_STORAGE;
    }

    /** Bytes a lookup writes: the value size, or for per-CPU maps one 8-byte-aligned value per possible CPU. */
    public int valueBufferSize() {
        if (!isPerCpu()) return valueSize();
        try {
            return ((valueSize() + 7) & ~7) * Host.possibleCpus();
        } catch (NativeException e) {
            throw new BpfException("cannot size the values of per-CPU map '" + name + "': " + e.getMessage(), null, e.errno());
        }
    }

    /**
     * A copy of the initial contents of a data section map (.rodata, .bss, .data), in native byte
     * order; empty for other maps. Change it and pass it to {@link #setInitialValue} before load.
     */
    public Optional<ByteBuffer> initialValue() {
        return handle().initialValue().map(b -> ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()));
    }

    /** Replaces a data section's initial contents (the values the kernel sees); before load only. */
    public void setInitialValue(byte[] value) {
        MapHandle h = handle();
        if (h.fd() >= 0) throw new BpfException("cannot set the initial value of map '" + name + "': its object is already loaded");
        checkValue(value);
        try {
            h.setInitialValue(value);
        } catch (NativeException e) {
            throw failure("set the initial value of", e);
        }
    }

    /** Copies the value of {@code key} into {@code value}; false if there is no such key. */
    public boolean lookup(byte[] key, byte[] value) {
        return lookup(key, value, 0);
    }

    /** As {@link #lookup(byte[], byte[])} with the kernel's lookup flags (BPF_F_LOCK). */
    public boolean lookup(byte[] key, byte[] value, long flags) {
        MapHandle h = handle();
        checkKey(key);
        checkValue(value);
        try {
            return h.lookup(key, value, flags);
        } catch (NativeException e) {
            throw failure("look up an element of", e);
        }
    }

    /** Creates or replaces an element (flags: {@link #BPF_ANY}, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK). */
    public void update(byte[] key, byte[] value, long flags) {
        MapHandle h = handle();
        checkKey(key);
        checkValue(value);
        try {
            h.update(key, value, flags);
        } catch (NativeException e) {
            throw failure("update", e);
        }
    }

    /** Next key after {@code key} (null for the first) into {@code next}; false at the end of the map. */
    public boolean nextKey(byte[] key, byte[] next) {
        MapHandle h = handle();
        if (key != null) checkKey(key);
        checkKey(next);
        try {
            return h.nextKey(key, next);
        } catch (NativeException e) {
            throw failure("iterate", e);
        }
    }

    /** Deletes an element; false if there was no such key. */
    public boolean delete(byte[] key) {
        return delete(key, 0);
    }

    /** As {@link #delete(byte[])} with the kernel's delete flags. */
    public boolean delete(byte[] key, long flags) {
        MapHandle h = handle();
        checkKey(key);
        try {
            return h.delete(key, flags);
        } catch (NativeException e) {
            throw failure("delete an element of", e);
        }
    }

    /**
     * Throws {@link IllegalStateException} if the map's owner has been closed; for handles made
     * from this map (buffer readers), which check before each use.
     */
    public void checkOpen() {
        owner.checkOpen("map", name);
    }

    private BpfException failure(String verb, NativeException e) {
        return new BpfException("cannot " + verb + " map '" + name + "': " + e.getMessage(), null, e.errno());
    }

    private void checkKey(byte[] key) {
        int size = keySize();
        if (key.length != size) {
            throw new IllegalArgumentException("map '" + name + "' has " + size + "-byte keys, not " + key.length);
        }
    }

    private void checkValue(byte[] value) {
        int size = valueBufferSize();
        if (value.length != size) {
            throw new IllegalArgumentException("map '" + name + "' takes " + size + "-byte values, not " + value.length);
        }
    }

    /**
     * Pins the map at {@code path} in bpffs (its directory must exist there): it outlives this process, and
     * {@link PinnedMap#open} finds it again. Removing the file unpins it.
     */
    public void pin(java.nio.file.Path path) {
        MapHandle h = handle();
        try {
            h.pin(path.toString());
        } catch (NativeException e) {
            throw new BpfException("cannot pin map '" + name + "' at " + path + ": " + e.getMessage(), null, e.errno());
        }
    }

    private MapHandle handle() {
        owner.checkOpen("map", name);
        return handle;
    }
}
