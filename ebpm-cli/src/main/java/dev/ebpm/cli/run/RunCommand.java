package dev.ebpm.cli.run;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.cli.lifecycle.DaemonCommand;
import dev.ebpm.cli.options.MetricsFlags;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.run.ForegroundRun;
import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.runs.RestartPolicy;
import dev.ebpm.core.runs.RunSpec;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.skeleton.ProgramArguments;
import dev.ebpm.loader.wasm.WasmOptions;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm run PKG [program options]}: load, attach, print events until Ctrl-C. */
@Command(
        name = "run",
        description = {"Run an eBPF package and print its events until Ctrl-C.", "",
            "Load an eBPF package into the kernel, attach its programs and print its events until Ctrl-C (or --duration).",
            "",
            "PKG is an installed package or bundled example name, a package.json, a *.skel.json (with its .bpf.o beside it), "
                + "a plain .bpf.o, an app.wasm, a package directory, or an OCI reference (REGISTRY/REPO[:TAG][@sha256:...]: "
                + "ebpm, ecli, bpfman, bumblebee and Inspektor Gadget images). Words after PKG are the package's own options: "
                + "for an eBPF package, its .rodata/.bss variables as ecli spells them (see `ebpm run PKG --help`); "
                + "for a WASM app, its argv. ebpm's own options go before PKG (for eBPF packages they may also follow it).",
        },
        footer = {
            "",
            "Examples:",
            "  sudo ebpm run sigsnoop",
            "  sudo ebpm run sigsnoop --target_signal 9 --json",
            "  sudo ebpm run --duration 5 ./opensnoop/package.json",
            "  sudo ebpm run --ifname eth0 ./xdp_count",
            "  sudo ebpm run sigsnoop-wasm -d 10",
            "  sudo ebpm run ghcr.io/eunomia-bpf/sigsnoop:latest",
            "  sudo ebpm run -d sigsnoop        # detached: prints a run id (see ebpm ps)",
            "  sudo ebpm run -d --restart always sigsnoop",
            "                                   # back after a reboot (with the systemd unit)",
            "  sudo ebpm run runqlat --metrics 9464",
            "                                   # Prometheus text at 127.0.0.1:9464/metrics",
            "  sudo ebpm run --metrics 9464 --metrics-config config.yaml",
            "                                   # an eunomia-exporter config, unchanged",
            "  sudo ebpm run minimal            # bpf_printk lines, marked bpf_printk",
        })
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PKG", arity = "0..1", description = "package name, file or directory")
    String pkg;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "the package's own options")
    List<String> programArgs = new ArrayList<>();

    @Option(names = {"-j", "--json"}, description = "print one JSON object per event")
    boolean json;

    @Option(names = "--verbose", description = "show libbpf's log, including the verifier log on failure")
    boolean verbose;

    @Option(names = "--btf", paramLabel = "FILE", description = "kernel BTF for kernels without /sys/kernel/btf/vmlinux (also BTF_FILE_PATH)")
    Path btf;

    @Option(names = "--ifname", paramLabel = "IF", description = "interface for tc/xdp programs, overriding the package's")
    String ifname;

    @Option(names = "--uprobe-binary", paramLabel = "PATH", description = "binary to attach uprobes to, overriding the package's")
    String uprobeBinary;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds (eBPF packages and WASM apps)")
    Double durationSeconds;

    @Option(names = "--sample-freq", paramLabel = "HZ",
            description = "samples per second on each CPU for perf_event programs (default: the package's, else 1 as ecli)")
    Long sampleFreq;

    @Option(names = "--offline", description = "Use no network: run an installed package or a file, never fetch one from a hub or registry (also EBPM_OFFLINE=1).")
    boolean offline;

    @Option(names = {"-q", "--quiet"}, description = "Show no download progress (shown only when stderr is a terminal).")
    boolean quiet;

    @Option(names = {"-h", "--help"}, description = "show this help, or with PKG the package's options")
    boolean help;

    @Option(names = {"-d", "--detach"}, description = "run in the background, hosted by the store's daemon (started if none runs): "
            + "print a run id and return (see ebpm ps, logs, stop); events go to the run's log as JSON lines. Must come before PKG.")
    boolean detach;

    @Option(names = "--restart", paramLabel = "POLICY", description = "with -d: when the daemon starts the run again from its verified "
            + "copy: always (whenever it ends by itself, and after a reboot), on-failure (when it fails, and after a reboot) or no "
            + "(default). ebpm stop ends it for good.")
    String restart;

    @Option(names = "--allow-unsigned", description = "run a package fetched from a hub (not installed) even if it is unsigned or signed "
            + "by a key not trusted here, with a warning. Tampered signatures are refused regardless.")
    boolean allowUnsigned;

    @Option(names = "--wasm-interpreter", description = "run a WASM package in Chicory's interpreter instead of compiling it to JVM bytecode")
    boolean wasmInterpreter;

    @Option(names = "--trace-pipe", negatable = true, description = "show the lines the programs write with bpf_printk, marked bpf_printk "
            + "(default: on for packages with no ring or perf buffer and no histogram map)")
    Boolean tracePipe;

    @picocli.CommandLine.Mixin
    MetricsFlags metrics = new MetricsFlags();

    @picocli.CommandLine.Mixin
    dev.ebpm.cli.options.StoreOptions store = new dev.ebpm.cli.options.StoreOptions();

    @picocli.CommandLine.Mixin
    dev.ebpm.cli.options.RegistryFlags registries = new dev.ebpm.cli.options.RegistryFlags();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (pkg == null && metrics.config == null) {
            if (!help) throw new UserError("ebpm run needs a package (PKG) or --metrics-config FILE", 2);
            spec.commandLine().usage(System.out);
            return 0;
        }
        if (restart != null && !detach) throw new UserError("--restart applies to detached runs: add -d");
        if (restart != null) RestartPolicy.of(restart);
        // --offline may also follow PKG: the session needs it before the package is located
        boolean offlineAfterPkg = programArgs.contains("--offline");
        try (Session session = Session.open(registries.apply(store.settings(offline || offlineAfterPkg, quiet, false)))) {
            Prepared p = prepare(session);
            if (p == null) return 0;
            if (p.pkg().isWasm() && metrics.anyGiven()) throw new UserError("metrics options apply to eBPF packages; " + p.pkg().name() + " is a WASM package");
            if (detach) return startDetached(session, p);
            if (p.pkg().isWasm()) return ForegroundRun.wasm(p.pkg(), p.guestArgs(), wasmOptions());
            return metrics.anyGiven() ? runMetered(p) : runBpf(p, null);
        }
    }

    private int runBpf(Prepared p, dev.ebpm.loader.run.RunObserver observer) {
        long lost = ForegroundRun.bpf(p.pkg(), p.options(), new FileOutputStream(FileDescriptor.out), System.err, attachPoints -> {
            if (verbose) for (String a : attachPoints) System.err.println("ebpm: attached " + a);
            System.err.println("ebpm: " + p.pkg().name() + " running (" + attachPoints.size() + (attachPoints.size() == 1 ? " program" : " programs") + " attached); Ctrl-C to stop");
        }, observer);
        if (lost > 0) System.err.println("ebpm: " + lost + " events were lost (buffer full)");
        return 0;
    }

    /** The run with its metrics served (and pushed) until it ends. */
    private int runMetered(Prepared p) {
        return MetricsWiring.metered(p, metrics, observer -> runBpf(p, observer));
    }

    /**
     * A located package with its options parsed: {@code options} for an eBPF package, {@code guestArgs} for a WASM
     * one (a guest parses its own arguments: every word after PKG, untouched).
     */
    record Prepared(RunnablePackage pkg, RunOptions options, List<String> guestArgs) {}

    /** Locates the package and parses its options; prints the package's help and returns null for --help. */
    Prepared prepare(Session session) {
        RunnablePackage located = pkg != null ? new RunLocator(session).locate(PackageSpec.parse(pkg), allowUnsigned)
                : MetricsWiring.configuredProgram(new RunLocator(session), metrics.config, allowUnsigned);
        if (located.isWasm()) return new Prepared(located, null, List.copyOf(programArgs));
        ProgramArguments args = new ProgramArguments(located.bpf().pkg(), located.name());
        List<String> rest = takeRunnerFlags(programArgs, args);
        if (help || rest.contains("--help") || rest.contains("-h")) {
            var doc = located.bpf().pkg().meta.bpfSkel.doc;
            System.out.print(Terminal.escape(args.usage(doc == null ? null : doc.brief != null ? doc.brief : doc.description)));
            return null;
        }
        if (sampleFreq != null && sampleFreq <= 0) throw new UserError("--sample-freq expects samples per second (e.g. 49), got " + sampleFreq);
        Map<String, String> variables = args.parse(rest);
        RunOptions options = new RunOptions(variables, json || detach ? EventFormatter.Mode.JSON : EventFormatter.Mode.TABLE,
                btfFile(), Optional.ofNullable(ifname), Optional.ofNullable(uprobeBinary), duration(), verbose,
                tracePipe == null ? RunOptions.Printk.AUTO : tracePipe ? RunOptions.Printk.SHOW : RunOptions.Printk.HIDE,
                sampleFreq == null ? OptionalLong.empty() : OptionalLong.of(sampleFreq));
        return new Prepared(located, options, List.of());
    }

    /** Hands the run to the daemon; its metrics, if asked for, are the daemon's to serve while the run lasts. */
    private int startDetached(Session session, Prepared p) {
        DetachedRuns.Started started = new DetachedRuns(session).start(p.pkg(), spec(p), () -> DaemonCommand.command(session.storeRoot()));
        started.metrics().ifPresent(at -> System.err.println("ebpm: run " + started.id() + "'s metrics at http://" + at + "/metrics"));
        System.out.println(started.id());
        return 0;
    }

    /**
     * What the daemon runs: the options parsed here, the words as typed (for ps), the restart policy, the metrics
     * (checked here, the config as its text). JSON lines.
     */
    private RunSpec spec(Prepared p) {
        RunnablePackage pkg = p.pkg();
        return new RunSpec(pkg.name(), pkg.version() == null ? "-" : pkg.version(), pkg.isWasm() ? "wasm" : "bpf", ebpmWords(), programArgs,
                p.options() == null ? Map.of() : p.options().variables(), btfFile().map(f -> f.toAbsolutePath().toString()).orElse(null),
                ifname, uprobeBinary, durationSeconds == null ? null : (long) (durationSeconds * 1000), verbose, wasmInterpreter,
                restart == null ? RestartPolicy.NO.id() : restart, p.options() == null ? null : p.options().printk().name(), sampleFreq,
                metrics.anyGiven() ? MetricsWiring.detachedRequest(metrics) : null);
    }

    /** ebpm's own options as a detached run records them ({@code ps --json} args), before the package copy's path. */
    private List<String> ebpmWords() {
        List<String> w = new ArrayList<>();
        if (verbose) w.add("--verbose");
        if (wasmInterpreter) w.add("--wasm-interpreter");
        if (allowUnsigned) w.add("--allow-unsigned");
        if (btf != null) w.addAll(List.of("--btf", btf.toAbsolutePath().toString()));
        if (ifname != null) w.addAll(List.of("--ifname", ifname));
        if (uprobeBinary != null) w.addAll(List.of("--uprobe-binary", uprobeBinary));
        if (durationSeconds != null) w.addAll(List.of("--duration", Double.toString(durationSeconds)));
        if (restart != null) w.addAll(List.of("--restart", restart));
        if (tracePipe != null) w.add(tracePipe ? "--trace-pipe" : "--no-trace-pipe");
        w.addAll(metrics.words());
        if (sampleFreq != null) w.addAll(List.of("--sample-freq", Long.toString(sampleFreq)));
        return w;
    }

    private Optional<Path> btfFile() {
        return Optional.ofNullable(btf).or(() -> Optional.ofNullable(System.getenv("BTF_FILE_PATH")).map(Path::of));
    }

    private Duration duration() {
        return durationSeconds == null ? null : Duration.ofMillis((long) (durationSeconds * 1000));
    }

    private WasmOptions wasmOptions() {
        return WasmOptions.defaults().withCompiled(!wasmInterpreter).withBtf(btfFile()).withVerbose(verbose)
                .withDuration(Optional.ofNullable(duration()));
    }

    /**
     * ebpm's own flags may also follow PKG (`ebpm run sigsnoop --json`), as long as the package
     * has no option of the same name; they are taken out, the rest is the package's.
     */
    private List<String> takeRunnerFlags(List<String> words, ProgramArguments pkgArgs) {
        java.util.Set<String> pkgFlags = new java.util.HashSet<>();
        for (ProgramArguments.Option o : pkgArgs.options()) {
            pkgFlags.add(o.flag());
            if (o.shortFlag() != null) pkgFlags.add(o.shortFlag());
        }
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String name = w.contains("=") && w.startsWith("--") ? w.substring(0, w.indexOf('=')) : w;
            String inline = name.equals(w) ? null : w.substring(w.indexOf('=') + 1);
            if (pkgFlags.contains(name)) {
                rest.add(w);
                continue;
            }
            switch (name) {
                case "-j", "--json" -> json = true;
                case "--verbose" -> verbose = true;
                case "--offline" -> offline = true;
                case "--trace-pipe" -> tracePipe = true;
                case "--no-trace-pipe" -> tracePipe = false;
                case "--btf", "--ifname", "--uprobe-binary", "--duration", "--sample-freq" -> {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= words.size()) throw new UserError("option " + name + " needs a value");
                        v = words.get(++i);
                    }
                    switch (name) {
                        case "--btf" -> btf = Path.of(v);
                        case "--ifname" -> ifname = v;
                        case "--uprobe-binary" -> uprobeBinary = v;
                        case "--sample-freq" -> sampleFreq = parseFrequency(v);
                        default -> durationSeconds = parseSeconds(v);
                    }
                }
                default -> {
                    if (!MetricsFlags.VALUED.contains(name)) {
                        rest.add(w);
                    } else {
                        String v = inline;
                        if (v == null) {
                            if (i + 1 >= words.size()) throw new UserError("option " + name + " needs a value");
                            v = words.get(++i);
                        }
                        metrics.take(name, v);
                    }
                }
            }
        }
        return rest;
    }

    private static long parseFrequency(String v) {
        try {
            long f = Long.parseLong(v);
            if (f <= 0) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new UserError("--sample-freq expects samples per second (e.g. 49), got '" + v + "'");
        }
    }

    private static double parseSeconds(String v) {
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("--duration expects seconds (e.g. 5 or 0.5), got '" + v + "'");
        }
    }
}
