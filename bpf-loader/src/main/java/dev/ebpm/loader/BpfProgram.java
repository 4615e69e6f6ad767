package dev.ebpm.loader;

import dev.ebpm.loader.internal.Attachment;
import dev.ebpm.loader.internal.Host;
import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.internal.LibbpfProgram;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.Stats;
import dev.ebpm.loader.internal.PerfEventLinks;
import dev.ebpm.loader.internal.TcFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * One program of a {@link BpfObject}; owned by the object, so it has no close of its own. Its
 * name and section stay readable after the object is closed; anything else throws
 * {@link IllegalStateException} then.
 */
public final class BpfProgram {
    /** Where a tc classifier sits: on packets coming in or going out. */
    public enum TcAttachPoint { INGRESS, EGRESS }

    /** What a perf_event program samples on: the CPU's cycle counter (hardware), or the kernel's cpu-clock timer. */
    public enum SamplingEvent {
        CPU_CYCLES("cpu-cycles"), CPU_CLOCK("cpu-clock");

        private final String perfName;

        SamplingEvent(String perfName) {
            this.perfName = perfName;
        }

        /** As perf(1) names it. */
        public String perfName() {
            return perfName;
        }
    }

    private final BpfObject owner;
    private final LibbpfProgram handle;
    private final String name;
    private final String sectionName;

    BpfProgram(BpfObject owner, LibbpfProgram handle) {
        this.owner = owner;
        this.handle = handle;
        this.name = handle.name();
        this.sectionName = handle.sectionName();
    }

    public String name() {
        return name;
    }

    /** The ELF section, which tells libbpf the program type and attach point. */
    public String sectionName() {
        return sectionName;
    }

    /** The program's fd once loaded, or a negative number before. */
    public int fd() {
        return handle().fd();
    }

    public boolean autoload() {
        return handle().autoload();
    }

    /** Pins the loaded program at {@code path} in bpffs (its directory must exist there): it stays loaded until unpinned. */
    public void pin(Path path) {
        LibbpfProgram h = handle();
        try {
            h.pin(path.toString());
        } catch (NativeException e) {
            throw new BpfException("cannot pin program '" + name + "' at " + path + ": " + e.getMessage(), null, e.errno());
        }
    }

    /** Attaches where the section name says (tracepoint, raw_tp, tp_btf, uprobe/PATH:FUNC, ...). */
    public BpfLink attach() {
        LibbpfProgram h = handle();
        return link(sectionName, h::attach);
    }

    /** Attaches a uprobe or uretprobe to {@code function} in {@code binary}, for any process. */
    public BpfLink attachUprobe(String binary, String function, boolean retprobe) {
        LibbpfProgram h = handle();
        return link((retprobe ? "uretprobe " : "uprobe ") + binary + ":" + function, () -> h.attachUprobe(binary, function, retprobe));
    }

    /** Attaches an XDP program to an interface; the link detaches it when closed. */
    public BpfLink attachXdp(int ifindex, String ifname) {
        LibbpfProgram h = handle();
        return link("xdp on " + ifname, () -> h.attachXdp(ifindex));
    }

    /** Attaches a cgroup program (sockops, cgroup_skb, ...) to the cgroup directory {@code cgroup}. */
    public BpfLink attachCgroup(Path cgroup) {
        LibbpfProgram h = handle();
        int fd;
        try {
            fd = Host.openDirectory(cgroup.toString());
        } catch (NativeException e) {
            throw new BpfException("program '" + name + "' cannot attach: cannot open cgroup " + cgroup + ": " + e.getMessage(), null, e.errno());
        }
        try {
            return link("cgroup " + cgroup, () -> h.attachCgroup(fd));
        } finally {
            Host.close(fd); // the link holds its own reference to the cgroup
        }
    }

    /**
     * Attaches a tc classifier to an interface through its clsact qdisc (created if missing, and then
     * removed again when the link closes).
     */
    public BpfLink attachTc(int ifindex, String ifname, TcAttachPoint point, int handle, int priority) {
        int progFd = fd();
        String where = "tc " + (point == TcAttachPoint.EGRESS ? "egress" : "ingress") + " on " + ifname;
        return link(where, () -> TcFilter.attach(progFd, ifindex, point == TcAttachPoint.EGRESS, handle, priority));
    }

    /** What the kernel measured of this program: the run time counts only while {@link BpfStats} are on. */
    public record RunStats(long runTimeNanos, long runCount) {}

    /** This program's run time and run count so far. */
    public RunStats stats() {
        int fd = fd();
        try {
            long[] s = Stats.program(fd);
            return new RunStats(s[0], s[1]);
        } catch (NativeException e) {
            throw new BpfException("cannot read the statistics of program '" + name + "': " + e.getMessage(), null, e.errno());
        }
    }

    /**
     * Attaches a perf_event program to a sampling event on each of {@code cpus}, {@code frequency} samples a second;
     * the link detaches it from every CPU. Where the machine has no such event (no PMU, as in many VMs), the errno is
     * ENOENT or EOPNOTSUPP.
     */
    public BpfLink attachPerfEvent(SamplingEvent event, long frequency, List<Integer> cpus) {
        LibbpfProgram h = handle();
        String where = "perf_event " + event.perfName() + " at " + frequency + " Hz on " + cpus.size() + " CPUs";
        return link(where, () -> PerfEventLinks.attach(h, cpus, event == SamplingEvent.CPU_CYCLES, frequency));
    }

    private BpfLink link(String where, Supplier<Attachment> attach) {
        LibbpfLog.clear();
        try {
            return new BpfLink(attach.get(), name + " -> " + where);
        } catch (NativeException e) {
            throw new BpfException("program '" + name + "' (" + where + ") cannot attach: " + e.getMessage()
                    + KernelSupport.explainAttachFailure(sectionName, e.errno()), String.join("\n", LibbpfLog.lines()), e.errno());
        }
    }

    private LibbpfProgram handle() {
        owner.checkOpen("program", name);
        return handle;
    }
}
