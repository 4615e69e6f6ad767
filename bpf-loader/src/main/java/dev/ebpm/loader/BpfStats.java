package dev.ebpm.loader;

import dev.ebpm.loader.internal.Host;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.Stats;

/**
 * The kernel's BPF run-time statistics ({@code run_time_ns}, {@code run_cnt} of every program), on while this is open.
 * Holds a BPF_ENABLE_STATS fd rather than writing the {@code kernel.bpf_stats_enabled} sysctl: the kernel counts the
 * holders, so closing (or the process dying) puts things back as they were, and other holders keep theirs.
 */
public final class BpfStats implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private BpfStats(int fd) {
        this.fd = fd;
    }

    /** @throws BpfException when the kernel refuses (no CAP_SYS_ADMIN, or a kernel before 5.8) */
    public static BpfStats enable() {
        try {
            return new BpfStats(Stats.enable());
        } catch (NativeException e) {
            throw new BpfException("cannot turn on BPF run-time statistics: " + e.getMessage(), null, e.errno());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Host.close(fd);
    }
}
