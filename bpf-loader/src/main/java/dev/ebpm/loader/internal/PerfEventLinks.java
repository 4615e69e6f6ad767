package dev.ebpm.loader.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A perf_event program attached to one sampling event per CPU, as profilers run: each CPU's event is opened, and a
 * libbpf link attaches the program to it. Detaching destroys every link (libbpf disables and closes each event).
 */
public final class PerfEventLinks implements Attachment {
    private static final int EOPNOTSUPP = 95;
    private final List<Attachment> links;

    private PerfEventLinks(List<Attachment> links) {
        this.links = links;
    }

    /**
     * Attaches {@code prog} to a sampling event at {@code frequency} Hz on each of {@code cpus}: the cycle counter, or
     * with {@code hardware} false the software cpu-clock. All or nothing. @throws NativeException
     */
    public static PerfEventLinks attach(LibbpfProgram prog, List<Integer> cpus, boolean hardware, long frequency) {
        List<Attachment> links = new ArrayList<>();
        try {
            for (int cpu : cpus) {
                int fd = PerfEvent.openSampling(cpu, hardware, frequency);
                try {
                    links.add(prog.attachPerfEvent(fd));
                } catch (NativeException e) {
                    PerfEvent.closeFd(fd);
                    throw e;
                }
            }
            return new PerfEventLinks(links);
        } catch (NativeException e) {
            new PerfEventLinks(links).detachQuietly();
            throw e;
        }
    }

    @Override
    public void detach() {
        NativeException first = null;
        for (Attachment a : links) {
            try {
                a.detach();
            } catch (NativeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** One link per CPU: bpffs pins a single link at a path, so the run is hosted unpinned (as a tc filter is). */
    @Override
    public boolean pinnable() {
        return false;
    }

    @Override
    public void pin(String path) {
        throw new NativeException("a perf_event program attached on every CPU cannot be pinned as one link", EOPNOTSUPP);
    }

    private void detachQuietly() {
        try {
            detach();
        } catch (NativeException ignored) {
            // undoing a half-made attachment: the error being reported is the one that stopped it
        }
    }
}
