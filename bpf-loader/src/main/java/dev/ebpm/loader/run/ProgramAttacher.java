package dev.ebpm.loader.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Attaches every autoloaded program of a loaded package where its section (or package.json's
 * {@code attach}) says, as ecli does: tracepoints mount tracefs when it is missing, uprobes may be
 * pointed at another binary, xdp and tc programs need an interface (--ifname, or the package's
 * ifindex) and tc takes its hook and options from package.json.
 */
final class ProgramAttacher {
    private static final Path NET_CLASS = Path.of("/sys/class/net");
    /** What ecli samples at: once a second per CPU. */
    static final long DEFAULT_SAMPLE_FREQ = 1;
    private static final int ENOENT = 2, ENODEV = 19, EOPNOTSUPP = 95;

    private final EunomiaPackage pkg;
    private final RunOptions options;
    private final PrintStream notes;

    ProgramAttacher(EunomiaPackage pkg, RunOptions options, PrintStream notes) {
        this.pkg = pkg;
        this.options = options;
        this.notes = notes;
    }

    /** Adds each link to {@code links} as soon as it is made, so the caller releases them however attaching ends. */
    void attachAll(BpfObject object, List<BpfLink> links) {
        for (BpfProgram p : object.programs()) {
            EunomiaPackage.Prog meta = progMeta(p.name());
            if (meta != null && Boolean.FALSE.equals(meta.link)) continue;
            if (!p.autoload()) continue;
            links.add(attach(p, meta));
        }
    }

    private EunomiaPackage.Prog progMeta(String progName) {
        for (EunomiaPackage.Prog p : SkeletonLoader.orEmpty(pkg.meta.bpfSkel.progs)) if (progName.equals(p.name)) return p;
        return null;
    }

    private BpfLink attach(BpfProgram p, EunomiaPackage.Prog meta) {
        String section = meta != null && meta.attach != null ? meta.attach : p.sectionName();
        return switch (KernelSupport.attachKind(section)) {
            case "tracepoint" -> {
                KernelSupport.ensureTracefs().ifPresent(this::note);
                yield p.attach();
            }
            case "uprobe" -> attachUprobe(p, section);
            case "xdp" -> {
                String ifname = interfaceFor(p, meta == null ? null : meta.ifindex);
                yield p.attachXdp(KernelSupport.ifindex(ifname), ifname);
            }
            case "tc" -> attachTc(p, meta);
            case "perf_event" -> attachPerfEvent(p, meta);
            default -> p.attach();
        };
    }

    /**
     * A sampling event on every online CPU, as ecli attaches eunomia's profile: the cycle counter, or where the
     * hardware or hypervisor has none, the software cpu-clock (said once). --sample-freq, else the package's, else 1 Hz
     * as ecli.
     */
    private BpfLink attachPerfEvent(BpfProgram p, EunomiaPackage.Prog meta) {
        long freq = options.sampleFrequency().orElse(meta != null && meta.sampleFreq != null ? meta.sampleFreq : DEFAULT_SAMPLE_FREQ);
        List<Integer> cpus = KernelSupport.onlineCpus();
        try {
            return p.attachPerfEvent(BpfProgram.SamplingEvent.CPU_CYCLES, freq, cpus);
        } catch (BpfException e) {
            if (e.errno() != ENOENT && e.errno() != EOPNOTSUPP && e.errno() != ENODEV) throw e;
            notes.println("ebpm: no hardware cpu-cycles event here (errno " + e.errno() + ", as in VMs without a PMU): program '"
                    + p.name() + "' samples with the software cpu-clock event instead");
            return p.attachPerfEvent(BpfProgram.SamplingEvent.CPU_CLOCK, freq, cpus);
        }
    }

    /** With --uprobe-binary, the function named in the section is probed in that binary instead. */
    private BpfLink attachUprobe(BpfProgram p, String section) {
        if (options.uprobeBinary().isEmpty()) return p.attach();
        boolean ret = section.startsWith("uretprobe");
        int slash = section.indexOf('/');
        String target = slash < 0 ? "" : section.substring(slash + 1);
        int colon = target.lastIndexOf(':');
        String function = colon < 0 ? target : target.substring(colon + 1);
        if (function.isEmpty()) {
            throw new BpfException("program '" + p.name() + "' (" + section + ") names no function to probe");
        }
        return p.attachUprobe(options.uprobeBinary().get(), function, ret);
    }

    private BpfLink attachTc(BpfProgram p, EunomiaPackage.Prog meta) {
        JsonNode hook = meta == null ? null : meta.tchook;
        JsonNode opts = meta == null ? null : meta.tcopts;
        Integer metaIfindex = hook != null && hook.has("ifindex") ? hook.get("ifindex").asInt() : null;
        String ifname = interfaceFor(p, metaIfindex);
        String point = hook != null && hook.has("attach_point") ? hook.get("attach_point").asText() : "BPF_TC_INGRESS";
        if (p.sectionName().contains("egress")) point = "BPF_TC_EGRESS";
        BpfProgram.TcAttachPoint attachPoint = point.contains("EGRESS") ? BpfProgram.TcAttachPoint.EGRESS : BpfProgram.TcAttachPoint.INGRESS;
        int handle = opts != null && opts.has("handle") ? opts.get("handle").asInt() : 1;
        int priority = opts != null && opts.has("priority") ? opts.get("priority").asInt() : 1;
        return p.attachTc(KernelSupport.ifindex(ifname), ifname, attachPoint, handle, priority);
    }

    /** --ifname, else the interface with the package's ifindex. */
    private String interfaceFor(BpfProgram p, Integer metaIfindex) {
        if (options.ifname().isPresent()) return options.ifname().get();
        if (metaIfindex != null && metaIfindex > 0) {
            Optional<String> n = interfaceName(metaIfindex);
            if (n.isPresent()) return n.get();
        }
        throw new BpfException("program '" + p.name() + "' (" + p.sectionName() + ") needs an interface: pass --ifname IF");
    }

    private static Optional<String> interfaceName(int ifindex) {
        try (Stream<Path> dirs = Files.list(NET_CLASS)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (Files.readString(d.resolve("ifindex")).trim().equals(Integer.toString(ifindex))) {
                    return Optional.of(d.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot list the network interfaces in " + NET_CLASS + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private void note(String message) {
        if (options.verbose()) notes.println("ebpm: " + message);
    }
}
