package dev.ebpm.loader;

import dev.ebpm.loader.internal.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.NativeLongByReference;

/** One map of a {@link BpfObject}; owned by the object. */
public final class BpfMap {
    public static final int TYPE_HASH = 1, TYPE_ARRAY = 2, TYPE_PERF_EVENT_ARRAY = 4,
            TYPE_PERCPU_HASH = 5, TYPE_PERCPU_ARRAY = 6, TYPE_RINGBUF = 27;
    public static final long BPF_ANY = 0;

    private final Native n;
    private final Pointer handle;
    private final String name;

    BpfMap(Native n, Pointer handle) {
        this.n = n;
        this.handle = handle;
        this.name = n.bpf.bpf_map__name(handle);
    }

    public String name() {
        return name;
    }

    public int fd() {
        return n.bpf.bpf_map__fd(handle);
    }

    public int type() {
        return n.bpf.bpf_map__type(handle);
    }

    public int keySize() {
        return n.bpf.bpf_map__key_size(handle);
    }

    public int valueSize() {
        return n.bpf.bpf_map__value_size(handle);
    }

    public int maxEntries() {
        return n.bpf.bpf_map__max_entries(handle);
    }

    /** Must be called before the object is loaded. */
    public void setMaxEntries(int maxEntries) {
        int rc = n.bpf.bpf_map__set_max_entries(handle, maxEntries);
        if (rc < 0) throw new BpfException("cannot resize map '" + name + "': " + n.strerror(-rc));
    }

    public int btfKeyTypeId() {
        return n.bpf.bpf_map__btf_key_type_id(handle);
    }

    public int btfValueTypeId() {
        return n.bpf.bpf_map__btf_value_type_id(handle);
    }

    public boolean isInternal() {
        return n.bpf.bpf_map__is_internal(handle);
    }

    /**
     * The initial contents of a data section map (.rodata, .bss, .data) as a writable view of
     * libbpf's own copy: writes before load become the values the kernel sees.
     */
    public Optional<ByteBuffer> initialValue() {
        NativeLongByReference size = new NativeLongByReference();
        Pointer p = n.bpf.bpf_map__initial_value(handle, size);
        if (p == null) return Optional.empty();
        ByteBuffer buf = com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(p.address(), size.intValue());
        return Optional.of(buf.order(ByteOrder.nativeOrder()));
    }

    public boolean lookup(byte[] key, byte[] value) {
        return MapOps.lookup(n, fd(), key, value);
    }

    public void update(byte[] key, byte[] value, long flags) {
        MapOps.update(n, fd(), key, value, flags, name);
    }

    /** Next key after {@code key} (null for the first); false at the end of the map. */
    public boolean nextKey(byte[] key, byte[] next) {
        return MapOps.nextKey(n, fd(), key, next);
    }

    public void delete(byte[] key) {
        MapOps.delete(n, fd(), key);
    }

    /** Map syscalls on a bare fd; shared by BpfMap and the WASM host. */
    public static final class MapOps {
        private MapOps() {}

        public static boolean lookup(Native n, int fd, byte[] key, byte[] value) {
            Pointer k = copy(n, key);
            Pointer v = Memory.allocateDirect(n.runtime, value.length);
            int rc = n.bpf.bpf_map_lookup_elem(fd, k, v);
            if (rc < 0) return false;
            v.get(0, value, 0, value.length);
            return true;
        }

        public static void update(Native n, int fd, byte[] key, byte[] value, long flags, String what) {
            int rc = n.bpf.bpf_map_update_elem(fd, copy(n, key), copy(n, value), flags);
            if (rc < 0) throw new BpfException("cannot update map '" + what + "': " + n.strerror(-rc));
        }

        public static boolean nextKey(Native n, int fd, byte[] key, byte[] next) {
            Pointer nk = Memory.allocateDirect(n.runtime, next.length);
            int rc = n.bpf.bpf_map_get_next_key(fd, key == null ? null : copy(n, key), nk);
            if (rc < 0) return false;
            nk.get(0, next, 0, next.length);
            return true;
        }

        public static boolean delete(Native n, int fd, byte[] key) {
            return n.bpf.bpf_map_delete_elem(fd, copy(n, key)) == 0;
        }

        private static Pointer copy(Native n, byte[] b) {
            Pointer p = Memory.allocateDirect(n.runtime, Math.max(1, b.length));
            p.put(0, b, 0, b.length);
            return p;
        }
    }
}
