package dev.ebpm.loader.internal;

import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A map opened from its bpffs pin ({@code bpf_obj_get}): an fd of its own, and the sizes the kernel reports for it
 * ({@code bpf_map_info}). It has no libbpf object, so no initial value. {@link #close()} releases the fd; the pin keeps
 * the map.
 */
public final class PinnedMapFd implements MapHandle, AutoCloseable {
    private final Native n;
    private final int fd;
    private final String name;
    private final int type, keySize, valueSize, maxEntries, btfKeyTypeId, btfValueTypeId;

    private PinnedMapFd(Native n, int fd, Pointer info) {
        this.n = n;
        this.fd = fd;
        this.type = info.getInt(StructLayouts.MapInfo.TYPE);
        this.keySize = info.getInt(StructLayouts.MapInfo.KEY_SIZE);
        this.valueSize = info.getInt(StructLayouts.MapInfo.VALUE_SIZE);
        this.maxEntries = info.getInt(StructLayouts.MapInfo.MAX_ENTRIES);
        this.btfKeyTypeId = info.getInt(StructLayouts.MapInfo.BTF_KEY_TYPE_ID);
        this.btfValueTypeId = info.getInt(StructLayouts.MapInfo.BTF_VALUE_TYPE_ID);
        this.name = KernelObjects.cName(info, StructLayouts.MapInfo.NAME);
    }

    /** @throws NativeException when there is no pin at {@code path} or it is not a map (EINVAL) */
    public static PinnedMapFd open(String path) {
        Native n = Native.get();
        int fd = n.bpf.bpf_obj_get(path);
        if (fd < 0) throw n.lastError();
        try {
            Pointer info = KernelObjects.info(n, fd, StructLayouts.MapInfo.SIZE);
            return new PinnedMapFd(n, fd, info);
        } catch (NativeException e) {
            n.libc.close(fd);
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int type() {
        return type;
    }

    @Override
    public int keySize() {
        return keySize;
    }

    @Override
    public int valueSize() {
        return valueSize;
    }

    @Override
    public int maxEntries() {
        return maxEntries;
    }

    @Override
    public int btfKeyTypeId() {
        return btfKeyTypeId;
    }

    @Override
    public int btfValueTypeId() {
        return btfValueTypeId;
    }

    /** The kernel does not say whether a map was a data section; a pinned map has no libbpf-side initial value either. */
    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public Optional<byte[]> initialValue() {
        return Optional.empty();
    }

    @Override
    public void setInitialValue(byte[] value) {
        throw new NativeException("a pinned map is already loaded", 16 /* EBUSY, as libbpf answers after load */);
    }

    @Override
    public boolean lookup(byte[] key, byte[] value, long flags) {
        Pointer v = Memory.allocateDirect(n.runtime, Math.max(1, value.length));
        if (!LibbpfMap.found(n, n.bpf.bpf_map_lookup_elem_flags(fd, n.copyOf(key), v, flags))) return false;
        v.get(0, value, 0, value.length);
        return true;
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        int rc = n.bpf.bpf_map_update_elem(fd, n.copyOf(key), n.copyOf(value), flags);
        if (rc < 0) throw n.error(rc);
    }

    @Override
    public boolean delete(byte[] key, long flags) {
        return LibbpfMap.found(n, n.bpf.bpf_map_delete_elem_flags(fd, n.copyOf(key), flags));
    }

    @Override
    public boolean nextKey(byte[] key, byte[] next) {
        Pointer nk = Memory.allocateDirect(n.runtime, Math.max(1, next.length));
        if (!LibbpfMap.found(n, n.bpf.bpf_map_get_next_key(fd, key == null ? null : n.copyOf(key), nk))) return false;
        nk.get(0, next, 0, next.length);
        return true;
    }

    /** Pins this map at a second path (bpffs allows several pins of one object). */
    @Override
    public void pin(String path) {
        int rc = n.bpf.bpf_obj_pin(fd, path);
        if (rc < 0) throw n.error(rc);
    }

    @Override
    public void close() {
        n.libc.close(fd);
    }
}
