package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/** A BPF-output software perf event on one CPU (perf_event_open), the kernel side of a perf buffer. */
public final class PerfEvent implements AutoCloseable {
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86-64
    private static final int PERF_TYPE_HARDWARE = 0, PERF_COUNT_HW_CPU_CYCLES = 0;
    private static final int PERF_TYPE_SOFTWARE = 1, PERF_COUNT_SW_CPU_CLOCK = 0, PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10, PERF_FLAG_FD_CLOEXEC = 8;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400, PERF_EVENT_IOC_DISABLE = 0x2401;
    private static final int ATTR_BUFFER = 128;

    private final Native n;
    private final int fd;
    private boolean closed;

    private PerfEvent(Native n, int fd) {
        this.n = n;
        this.fd = fd;
    }

    /** Opens (disabled until {@link #enable()}) a sample-every-event BPF output event on {@code cpu}. @throws NativeException */
    public static PerfEvent openBpfOutput(int cpu) {
        Native n = Native.get();
        Pointer attr = n.zeroed(ATTR_BUFFER);
        attr.putInt(StructLayouts.PerfEventAttr.TYPE, PERF_TYPE_SOFTWARE);
        attr.putInt(StructLayouts.PerfEventAttr.SIZE_FIELD, StructLayouts.PerfEventAttr.SIZE_VER5);
        attr.putLong(StructLayouts.PerfEventAttr.CONFIG, PERF_COUNT_SW_BPF_OUTPUT);
        attr.putLong(StructLayouts.PerfEventAttr.SAMPLE_PERIOD, 1);
        attr.putLong(StructLayouts.PerfEventAttr.SAMPLE_TYPE, PERF_SAMPLE_RAW);
        attr.putInt(StructLayouts.PerfEventAttr.WAKEUP_EVENTS, 1);
        int fd = (int) n.libc.syscall(SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) throw n.lastError();
        return new PerfEvent(n, fd);
    }

    /**
     * Opens, enabled, an event on {@code cpu} that samples {@code frequency} times a second, for a perf_event program:
     * the CPU's cycle counter, or with {@code hardware} false the software cpu-clock. Returns the fd, which the caller
     * hands to a link. @throws NativeException (ENOENT or EOPNOTSUPP where no such counter exists)
     */
    static int openSampling(int cpu, boolean hardware, long frequency) {
        Native n = Native.get();
        Pointer attr = n.zeroed(ATTR_BUFFER);
        attr.putInt(StructLayouts.PerfEventAttr.TYPE, hardware ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE);
        attr.putInt(StructLayouts.PerfEventAttr.SIZE_FIELD, StructLayouts.PerfEventAttr.SIZE_VER5);
        attr.putLong(StructLayouts.PerfEventAttr.CONFIG, hardware ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK);
        attr.putLong(StructLayouts.PerfEventAttr.SAMPLE_FREQ, frequency);
        attr.putLong(StructLayouts.PerfEventAttr.FLAGS, StructLayouts.PerfEventAttr.FLAG_FREQ);
        int fd = (int) n.libc.syscall(SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) throw n.lastError();
        return fd;
    }

    /** Closes a sampling event's fd that no link took. */
    static void closeFd(int fd) {
        Native.get().libc.close(fd);
    }

    public int fd() {
        return fd;
    }

    /** @throws NativeException */
    public void enable() {
        if (n.libc.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) throw n.lastError();
    }

    /** Disables and closes the event; both only fail for a bad fd, which this class never holds. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        n.libc.ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
        n.libc.close(fd);
    }
}
