package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/** The kernel feature probes behind {@code ebpm doctor}: libbpf's, and a minimal BPF_PROG_LOAD for attach types libbpf cannot probe. */
public final class Probes {
    private static final long SYS_BPF = 321; // x86-64
    private static final int BPF_PROG_LOAD = 5;

    private Probes() {}

    /** libbpf_probe_bpf_prog_type. @throws NativeException when the probe itself fails */
    public static boolean programTypeSupported(int progType) {
        Native n = Native.get();
        return supported(n, n.bpf.libbpf_probe_bpf_prog_type(progType, null));
    }

    /** libbpf_probe_bpf_map_type. @throws NativeException when the probe itself fails */
    public static boolean mapTypeSupported(int mapType) {
        Native n = Native.get();
        return supported(n, n.bpf.libbpf_probe_bpf_map_type(mapType, null));
    }

    private static boolean supported(Native n, int rc) {
        if (rc < 0) throw n.error(rc);
        return rc == 1;
    }

    /**
     * Loads (and closes again) a two-instruction program ({@code r0 = 0; exit}) of the given type
     * against a kernel BTF id, as the kernel checks before it would attach one.
     *
     * @throws NativeException with the kernel's refusal
     */
    public static void loadTrivialProgram(int progType, int expectedAttachType, int attachBtfId) {
        Native n = Native.get();
        Pointer insns = n.zeroed(16);
        insns.putByte(0, (byte) 0xb7); // r0 = 0
        insns.putByte(8, (byte) 0x95); // exit
        Pointer license = n.cString("GPL");
        Pointer attr = n.zeroed(StructLayouts.ProgLoadAttr.SIZE);
        attr.putInt(StructLayouts.ProgLoadAttr.PROG_TYPE, progType);
        attr.putInt(StructLayouts.ProgLoadAttr.INSN_CNT, 2);
        attr.putLong(StructLayouts.ProgLoadAttr.INSNS, insns.address());
        attr.putLong(StructLayouts.ProgLoadAttr.LICENSE, license.address());
        attr.putInt(StructLayouts.ProgLoadAttr.EXPECTED_ATTACH_TYPE, expectedAttachType);
        attr.putInt(StructLayouts.ProgLoadAttr.ATTACH_BTF_ID, attachBtfId);
        long fd = n.libc.syscall(SYS_BPF, BPF_PROG_LOAD, attr, StructLayouts.ProgLoadAttr.SIZE);
        if (fd < 0) throw n.lastError();
        n.libc.close((int) fd);
    }
}
