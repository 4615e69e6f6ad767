package dev.ebpm.loader.internal;

import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.NativeLongByReference;

/**
 * libbpf's {@code struct bpf_map *}, valid while its {@link LibbpfObject} is open. Element
 * operations report "no such key" (ENOENT) as a false result and every other failure as a
 * {@link NativeException}. Buffers are sized by the caller: the kernel reads and writes as many
 * bytes as the map's key and value sizes say.
 */
public final class LibbpfMap implements MapHandle {
    private static final int ENOENT = 2;

    private final Native n;
    private final Pointer handle;

    LibbpfMap(Native n, Pointer handle) {
        this.n = n;
        this.handle = handle;
    }

    @Override
    public String name() {
        return n.bpf.bpf_map__name(handle);
    }

    @Override
    public int fd() {
        return n.bpf.bpf_map__fd(handle);
    }

    @Override
    public int type() {
        return n.bpf.bpf_map__type(handle);
    }

    @Override
    public int keySize() {
        return n.bpf.bpf_map__key_size(handle);
    }

    @Override
    public int valueSize() {
        return n.bpf.bpf_map__value_size(handle);
    }

    @Override
    public int maxEntries() {
        return n.bpf.bpf_map__max_entries(handle);
    }

    @Override
    public int btfKeyTypeId() {
        return n.bpf.bpf_map__btf_key_type_id(handle);
    }

    @Override
    public int btfValueTypeId() {
        return n.bpf.bpf_map__btf_value_type_id(handle);
    }

    @Override
    public boolean isInternal() {
        return n.bpf.bpf_map__is_internal(handle);
    }

    /** A copy of libbpf's initial contents of a data-section map, or empty for other maps. */
    @Override
    public Optional<byte[]> initialValue() {
        NativeLongByReference size = new NativeLongByReference();
        Pointer p = n.bpf.bpf_map__initial_value(handle, size);
        if (p == null) return Optional.empty();
        byte[] out = new byte[size.intValue()];
        p.get(0, out, 0, out.length);
        return Optional.of(out);
    }

    /** {@code bpf_map__set_initial_value}: libbpf copies it; EBUSY once loaded. @throws NativeException */
    @Override
    public void setInitialValue(byte[] value) {
        int rc = n.bpf.bpf_map__set_initial_value(handle, n.copyOf(value), value.length);
        if (rc < 0) throw n.error(rc);
    }

    /** @return false if there is no such key */
    @Override
    public boolean lookup(byte[] key, byte[] value, long flags) {
        Pointer v = Memory.allocateDirect(n.runtime, Math.max(1, value.length));
        if (!found(n.bpf.bpf_map_lookup_elem_flags(fd(), n.copyOf(key), v, flags))) return false;
        v.get(0, value, 0, value.length);
        return true;
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        int rc = n.bpf.bpf_map_update_elem(fd(), n.copyOf(key), n.copyOf(value), flags);
        if (rc < 0) throw n.error(rc);
    }

    /** @return false if there was no such key */
    @Override
    public boolean delete(byte[] key, long flags) {
        return found(n.bpf.bpf_map_delete_elem_flags(fd(), n.copyOf(key), flags));
    }

    /** @param key null for the first key @return false after the last key */
    @Override
    public boolean nextKey(byte[] key, byte[] next) {
        Pointer nk = Memory.allocateDirect(n.runtime, Math.max(1, next.length));
        if (!found(n.bpf.bpf_map_get_next_key(fd(), key == null ? null : n.copyOf(key), nk))) return false;
        nk.get(0, next, 0, next.length);
        return true;
    }

    /** {@code bpf_map__pin}: the map outlives this process at {@code path} (its directory must exist in bpffs). */
    @Override
    public void pin(String path) {
        int rc = n.bpf.bpf_map__pin(handle, path);
        if (rc < 0) throw n.error(rc);
    }

    private boolean found(int rc) {
        return found(n, rc);
    }

    /** An element call's result: true on success, false for ENOENT, else the failure. */
    static boolean found(Native n, int rc) {
        if (rc == 0) return true;
        if (rc == -ENOENT) return false;
        throw n.error(rc);
    }
}
