package dev.ebpm.loader.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.NativeLongByReference;

/**
 * libbpf's {@code struct bpf_object *}. Its programs and maps point into memory that
 * {@link #close()} frees: the public {@code BpfObject} makes sure none is used after that.
 */
public final class LibbpfObject {
    private final Native n;
    private Pointer elf; // libelf reads the ELF image in place: held (not read) until close
    private Pointer handle;

    private LibbpfObject(Native n, Pointer elf, Pointer handle) {
        this.n = n;
        this.elf = elf;
        this.handle = handle;
    }

    /**
     * {@code bpf_object__open_mem}: parses the ELF image without loading anything.
     *
     * @param btfCustomPath kernel BTF file to relocate against, or null for the running kernel's
     * @throws NativeException when libbpf refuses the object
     */
    public static LibbpfObject open(byte[] elfImage, String name, String btfCustomPath) {
        Native n = Native.get();
        Pointer buf = Memory.allocateDirect(n.runtime, Math.max(elfImage.length, 1));
        buf.put(0, elfImage, 0, elfImage.length);
        Pointer opts = n.zeroed(StructLayouts.OpenOpts.SIZE);
        opts.putLong(0, StructLayouts.OpenOpts.SIZE);
        opts.putPointer(StructLayouts.OpenOpts.OBJECT_NAME, n.cString(name)); // libbpf copies both strings
        if (btfCustomPath != null) opts.putPointer(StructLayouts.OpenOpts.BTF_CUSTOM_PATH, n.cString(btfCustomPath));
        Pointer h = n.bpf.bpf_object__open_mem(buf, elfImage.length, opts);
        if (h == null) throw n.lastError();
        return new LibbpfObject(n, buf, h);
    }

    public List<LibbpfProgram> programs() {
        List<LibbpfProgram> out = new ArrayList<>();
        for (Pointer p = n.bpf.bpf_object__next_program(handle, null); p != null; p = n.bpf.bpf_object__next_program(handle, p)) {
            out.add(new LibbpfProgram(n, p));
        }
        return out;
    }

    public List<LibbpfMap> maps() {
        List<LibbpfMap> out = new ArrayList<>();
        for (Pointer m = n.bpf.bpf_object__next_map(handle, null); m != null; m = n.bpf.bpf_object__next_map(handle, m)) {
            out.add(new LibbpfMap(n, m));
        }
        return out;
    }

    /** The object's BTF as raw bytes (after libbpf's fix-ups), or empty if it has none. */
    public Optional<byte[]> rawBtf() {
        Pointer btf = n.bpf.bpf_object__btf(handle);
        if (btf == null) return Optional.empty();
        NativeLongByReference size = new NativeLongByReference();
        Pointer data = n.bpf.btf__raw_data(btf, size);
        if (data == null) return Optional.empty();
        byte[] out = new byte[size.intValue()];
        data.get(0, out, 0, out.length);
        return Optional.of(out);
    }

    /** {@code bpf_object__load}; libbpf's log says which program failed. @throws NativeException */
    public void load() {
        int rc = n.bpf.bpf_object__load(handle);
        if (rc < 0) throw n.error(rc);
    }

    /** Frees the object; every program and map of it is invalid from here on. */
    public void close() {
        if (handle != null) {
            n.bpf.bpf_object__close(handle);
            handle = null;
            elf = null;
        }
    }
}
