package dev.ebpm.loader;

import dev.ebpm.loader.internal.Host;
import dev.ebpm.loader.internal.NativeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this kernel and host offer, and the words that explain a refusal: a kernel that lacks a
 * feature should produce a sentence naming the feature, not an errno alone.
 */
public final class KernelSupport {
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    public static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");
    public static final Path BPFFS = Path.of("/sys/fs/bpf");
    public static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");
    private static final int EPERM = 1, ENOENT = 2, EACCES = 13, ENODEV = 19, EINVAL = 22, ENOTSUPP = 524, EOPNOTSUPP = 95;

    private KernelSupport() {}

    public static boolean hasKprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))
                || Files.exists(TRACEFS.resolve("kprobe_events"));
    }

    /** Whether the effective user is root. */
    public static boolean isRoot() {
        return procStatus("Uid:").split("\\s+")[1].equals("0");
    }

    private static final int CAP_SYS_ADMIN = 21, CAP_PERFMON = 38, CAP_BPF = 39;

    /**
     * Whether this process may load and attach tracing programs: CAP_SYS_ADMIN, or CAP_BPF with
     * CAP_PERFMON. Read from the effective set, so root with capabilities dropped is told the truth.
     */
    public static boolean hasBpfPrivileges() {
        long caps = Long.parseUnsignedLong(procStatus("CapEff:"), 16);
        boolean admin = (caps & (1L << CAP_SYS_ADMIN)) != 0;
        boolean bpf = (caps & (1L << CAP_BPF)) != 0 && (caps & (1L << CAP_PERFMON)) != 0;
        return admin || bpf;
    }

    /** The value of one line of /proc/self/status, e.g. "CapEff:". */
    private static String procStatus(String key) {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(key)) return line.substring(key.length()).trim();
            }
        } catch (IOException e) {
            throw new BpfException("cannot read " + status + ": " + e.getMessage());
        }
        throw new BpfException(status + " has no " + key + " line");
    }

    /** The CPUs in /sys/devices/system/cpu/online ("0-3,5"), where the BPF program may run. */
    public static List<Integer> onlineCpus() {
        String spec;
        try {
            spec = Files.readString(ONLINE_CPUS).trim();
        } catch (IOException e) {
            throw new BpfException("cannot read " + ONLINE_CPUS + ": " + e.getMessage());
        }
        List<Integer> cpus = new ArrayList<>();
        try {
            for (String part : spec.split(",")) {
                String[] r = part.split("-");
                int lo = Integer.parseInt(r[0]);
                int hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                for (int c = lo; c <= hi; c++) cpus.add(c);
            }
        } catch (NumberFormatException e) {
            throw new BpfException(ONLINE_CPUS + " holds '" + spec + "', not a CPU list");
        }
        return cpus;
    }

    public static boolean hasKernelBtf() {
        return Files.isReadable(VMLINUX_BTF);
    }

    /** Kind of hook a section name asks for: "kprobe", "tracepoint", "fentry", ... */
    public static String attachKind(String section) {
        String s = section == null ? "" : section;
        int slash = s.indexOf('/');
        String head = slash < 0 ? s : s.substring(0, slash);
        if (head.endsWith(".s")) head = head.substring(0, head.length() - 2);
        return switch (head) {
            case "kprobe", "kretprobe", "ksyscall", "kretsyscall", "kprobe.multi", "kretprobe.multi" -> "kprobe";
            case "tp", "tracepoint" -> "tracepoint";
            case "raw_tp", "raw_tracepoint", "raw_tp.w", "raw_tracepoint.w" -> "raw_tp";
            case "tp_btf" -> "tp_btf";
            case "fentry", "fexit", "fmod_ret" -> "fentry";
            case "lsm", "lsm_cgroup" -> "lsm";
            case "uprobe", "uretprobe", "uprobe.multi", "uretprobe.multi", "usdt" -> "uprobe";
            case "tc", "classifier", "tcx" -> "tc";
            case "xdp", "xdp.frags" -> "xdp";
            case "perf_event" -> "perf_event";
            case "iter" -> "iter";
            case "cgroup", "cgroup_skb", "sockops", "sk_skb", "sk_msg" -> "cgroup";
            case "socket" -> "socket";
            default -> head;
        };
    }

    static String explainLoadFailure(String section, int errno) {
        String kind = attachKind(section);
        if (!hasBpfPrivileges() && (errno == EPERM || errno == EACCES)) {
            return " (loading BPF programs needs root or CAP_BPF+CAP_PERFMON: run with sudo)";
        }
        return switch (kind) {
            case "fentry" -> " (this kernel does not allow fentry/fexit programs: BPF trampolines are unavailable; use a tracepoint or tp_btf instead)";
            case "lsm" -> " (BPF LSM is not enabled in this kernel: it needs CONFIG_BPF_LSM and \"bpf\" in the lsm= boot parameter)";
            case "kprobe" -> hasKprobes() ? "" : " (this kernel has no kprobe support: CONFIG_KPROBES is off; use a tracepoint instead)";
            default -> errno == EACCES || errno == EINVAL ? " (the verifier rejected it; run with --verbose to see the verifier log)" : "";
        };
    }

    static String explainAttachFailure(String section, int errno) {
        String kind = attachKind(section);
        if (kind.equals("kprobe") && !hasKprobes()) {
            return " (this kernel has no kprobe support: CONFIG_KPROBES is off; use a tracepoint instead)";
        }
        if (kind.equals("fentry")) return " (this kernel does not allow fentry/fexit attachment)";
        if (kind.equals("lsm")) return " (BPF LSM is not enabled in this kernel)";
        if (kind.equals("tracepoint") && errno == ENOENT) {
            return tracefsPath().isEmpty()
                    ? " (tracefs is not mounted and could not be mounted: mount -t tracefs tracefs /sys/kernel/tracing)"
                    : " (no such tracepoint in this kernel)";
        }
        if (kind.equals("uprobe") && errno == ENOENT) return " (binary or function not found; override it with --uprobe-binary)";
        if (errno == ENOTSUPP || errno == EOPNOTSUPP) return " (not supported by this kernel)";
        if (!hasBpfPrivileges() && (errno == EPERM || errno == EACCES)) return " (needs root: run with sudo)";
        return "";
    }

    /** The mounted tracefs, if any. */
    public static Optional<Path> tracefsPath() {
        if (Files.exists(TRACEFS.resolve("events"))) return Optional.of(TRACEFS);
        if (Files.exists(DEBUGFS_TRACING.resolve("events"))) return Optional.of(DEBUGFS_TRACING);
        return Optional.empty();
    }

    /**
     * Mounts tracefs at /sys/kernel/tracing if nothing is mounted there, as bpftool does.
     * Returns a note for the user when it mounted something, or throws when it cannot.
     */
    public static Optional<String> ensureTracefs() {
        if (tracefsPath().isPresent()) return Optional.empty();
        try {
            Host.mount("tracefs", TRACEFS.toString(), "tracefs");
        } catch (NativeException e) {
            throw new BpfException("tracefs is not mounted and mounting it at " + TRACEFS + " failed: "
                    + e.getMessage() + " (run as root, or: mount -t tracefs tracefs " + TRACEFS + ")", null, e.errno());
        }
        return Optional.of("mounted tracefs at " + TRACEFS);
    }

    public static boolean isBpffsMounted() {
        Path mounts = Path.of("/proc/self/mounts");
        try {
            for (String line : Files.readAllLines(mounts)) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(BPFFS.toString()) && f[2].equals("bpf")) return true;
            }
        } catch (IOException e) {
            throw new BpfException("cannot read " + mounts + ": " + e.getMessage());
        }
        return false;
    }

    /**
     * Mounts bpffs at /sys/fs/bpf if it is not mounted, as bpftool does, for pins. Returns a note for the user when it
     * mounted it, or throws when it cannot.
     */
    public static Optional<String> ensureBpffs() {
        if (isBpffsMounted()) return Optional.empty();
        try {
            Host.mount("bpf", BPFFS.toString(), "bpf");
        } catch (NativeException e) {
            throw new BpfException("bpffs is not mounted and mounting it at " + BPFFS + " failed: "
                    + e.getMessage() + " (run as root, or: mount -t bpf bpf " + BPFFS + ")", null, e.errno());
        }
        return Optional.of("mounted bpffs at " + BPFFS);
    }

    /** The index of a network interface, for XDP and tc. */
    public static int ifindex(String ifname) {
        try {
            return Host.interfaceIndex(ifname);
        } catch (NativeException e) {
            if (e.errno() == ENODEV) throw new BpfException("no network interface named '" + ifname + "' (see: ip link)", null, e.errno());
            throw new BpfException("cannot look up network interface '" + ifname + "': " + e.getMessage(), null, e.errno());
        }
    }
}
