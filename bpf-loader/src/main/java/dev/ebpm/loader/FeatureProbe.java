package dev.ebpm.loader;

import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfKind;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.Probes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Probes what this kernel supports by trying it, as {@code bpftool feature probe} does: program
 * and map types through libbpf's probes, and attach types that need more (fentry, LSM, tp_btf)
 * by loading a two-instruction program against a real kernel function's BTF id.
 */
public final class FeatureProbe {
    /** One line of the report. */
    public record Check(String group, String name, boolean ok, String detail) {}

    private static final int PROG_TYPE_TRACING = 26, PROG_TYPE_LSM = 29;
    private static final int BPF_TRACE_RAW_TP = 23, BPF_TRACE_FENTRY = 24, BPF_LSM_MAC = 27;

    private FeatureProbe() {}

    public static List<Check> run() {
        List<Check> out = new ArrayList<>();
        out.add(new Check("host", "kernel", true, read("/proc/sys/kernel/osrelease")));
        boolean root = KernelSupport.hasBpfPrivileges();
        out.add(new Check("host", "privileges", root, root ? (KernelSupport.isRoot() ? "root" : "CAP_BPF+CAP_PERFMON")
                : "missing: loading BPF needs sudo (or CAP_BPF+CAP_PERFMON)"));
        out.add(new Check("host", "memlock limit", true, memlock()));
        out.add(new Check("host", "kernel BTF", KernelSupport.hasKernelBtf(),
                KernelSupport.hasKernelBtf() ? KernelSupport.VMLINUX_BTF.toString() : "missing: CO-RE programs need --btf FILE"));
        out.add(new Check("mounts", "tracefs", KernelSupport.tracefsPath().isPresent(),
                KernelSupport.tracefsPath().map(Path::toString).orElse("not mounted (ebpm mounts it at /sys/kernel/tracing when a tracepoint needs it)")));
        out.add(new Check("mounts", "bpffs", KernelSupport.isBpffsMounted(),
                KernelSupport.isBpffsMounted() ? "/sys/fs/bpf" : "not mounted (ebpm pins nothing there; bpftool needs it: mount -t bpf bpf /sys/fs/bpf)"));
        if (!root) return out;
        mapType(out, "ring buffer", 27);
        mapType(out, "perf event array", 4);
        mapType(out, "hash", 1);
        progType(out, "tracepoint", 5);
        progType(out, "raw_tp", 17);
        progType(out, "kprobe/uprobe (program type)", 2);
        progType(out, "xdp", 6);
        progType(out, "tc (sched_cls)", 3);
        progType(out, "perf_event", 7);
        progType(out, "cgroup_skb", 8);
        boolean kprobePmu = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));
        out.add(new Check("attach", "kprobe", KernelSupport.hasKprobes(), KernelSupport.hasKprobes()
                ? (kprobePmu ? "kprobe PMU present" : "legacy kprobe_events") : "no kprobe PMU or kprobe_events: CONFIG_KPROBES is off"));
        boolean uprobePmu = Files.exists(Path.of("/sys/bus/event_source/devices/uprobe"));
        out.add(new Check("attach", "uprobe", uprobePmu, uprobePmu ? "uprobe PMU present" : "no uprobe PMU"));
        if (KernelSupport.hasKernelBtf()) {
            Btf btf = Btf.kernel();
            out.add(btfAttach(btf, "tp_btf", PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "btf_trace_sched_switch", BtfKind.TYPEDEF));
            out.add(btfAttach(btf, "fentry/fexit", PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "vfs_read", BtfKind.FUNC));
            out.add(btfAttach(btf, "lsm", PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open", BtfKind.FUNC));
        }
        return out;
    }

    private static void mapType(List<Check> out, String name, int type) {
        Check c;
        try {
            boolean ok = Probes.mapTypeSupported(type);
            c = new Check("map", name, ok, ok ? "supported" : "not supported");
        } catch (NativeException e) {
            c = new Check("map", name, false, "probe failed: " + e.getMessage());
        }
        out.add(c);
    }

    private static void progType(List<Check> out, String name, int type) {
        Check c;
        try {
            boolean ok = Probes.programTypeSupported(type);
            c = new Check("program", name, ok, ok ? "supported" : "not supported");
        } catch (NativeException e) {
            c = new Check("program", name, false, "probe failed: " + e.getMessage());
        }
        out.add(c);
    }

    private static Check btfAttach(Btf btf, String name, int progType, int attachType, String target, BtfKind kind) {
        OptionalInt id = btf.findByName(target, kind);
        if (id.isEmpty()) return new Check("attach", name, false, "kernel BTF has no " + target + " to probe with");
        try {
            Probes.loadTrivialProgram(progType, attachType, id.getAsInt());
            return new Check("attach", name, true, "loaded a probe program against " + target);
        } catch (NativeException e) {
            return new Check("attach", name, false, "the kernel refused a probe program: " + e.getMessage());
        }
    }

    private static String memlock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                    return f[0] + " (soft) / " + f[1] + " (hard) bytes; kernels >= 5.11 account BPF memory to the cgroup instead";
                }
            }
        } catch (IOException e) {
            return "unknown (cannot read /proc/self/limits: " + e.getMessage() + ")";
        }
        return "unknown (/proc/self/limits has no Max locked memory line)";
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "unknown (cannot read " + path + ": " + e.getMessage() + ")";
        }
    }
}
