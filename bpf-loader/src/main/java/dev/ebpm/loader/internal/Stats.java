package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** The kernel's BPF run-time statistics: turned on while an fd from BPF_ENABLE_STATS is open, read per program. */
public final class Stats {
    private static final int BPF_STATS_RUN_TIME = 0;

    private Stats() {}

    /** Turns statistics on until the returned fd is closed (the kernel counts holders, so others' stay on). @throws NativeException */
    public static int enable() {
        Native n = Native.get();
        int fd = n.bpf.bpf_enable_stats(BPF_STATS_RUN_TIME);
        if (fd < 0) throw n.lastError();
        return fd;
    }

    /** {@code {run_time_ns, run_cnt}} of the program behind {@code progFd}. @throws NativeException */
    public static long[] program(int progFd) {
        Native n = Native.get();
        Pointer info = n.zeroed(StructLayouts.ProgInfo.SIZE);
        IntByReference len = new IntByReference(StructLayouts.ProgInfo.SIZE);
        int rc = n.bpf.bpf_obj_get_info_by_fd(progFd, info, len);
        if (rc < 0) throw n.error(rc);
        return new long[] {info.getLong(StructLayouts.ProgInfo.RUN_TIME_NS), info.getLong(StructLayouts.ProgInfo.RUN_CNT)};
    }
}
