package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.skeleton.ProgramArguments;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm run PKG [program options]}: load, attach, print events until Ctrl-C. */
@Command(
        name = "run",
        description = {
            "Load an eBPF package into the kernel, attach its programs and print its events",
            "until Ctrl-C (or --duration). PKG is a bundled example or installed package name,",
            "a package.json, a *.skel.json (with its .bpf.o beside it), a plain .bpf.o, or a",
            "package directory. Options after PKG that ebpm does not know are the package's own",
            "(its .rodata/.bss variables, as ecli spells them): see `ebpm run PKG --help`.",
            "",
            "Examples:",
            "  sudo ebpm run sigsnoop",
            "  sudo ebpm run sigsnoop --target_signal 9 --json",
            "  sudo ebpm run ./opensnoop/package.json --duration 5",
        })
public final class RunCommand implements Runnable {
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

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double durationSeconds;

    @Option(names = {"-h", "--help"}, description = "show this help, or with PKG the package's options")
    boolean help;

    @Override
    public void run() {
        if (pkg == null || (help && pkg == null)) {
            picocli.CommandLine.usage(this, System.out);
            return;
        }
        PackageLocator.Located located = PackageLocator.locate(pkg);
        ProgramArguments args = new ProgramArguments(located.decoded().pkg(), located.name());
        if (help || programArgs.contains("--help") || programArgs.contains("-h")) {
            var doc = located.decoded().pkg().meta.bpfSkel.doc;
            System.out.print(args.usage(doc == null ? null : doc.brief != null ? doc.brief : doc.description));
            return;
        }
        Map<String, String> variables = args.parse(programArgs);
        Optional<Path> btfFile = Optional.ofNullable(btf).or(() -> Optional.ofNullable(System.getenv("BTF_FILE_PATH")).map(Path::of));
        RunOptions options = new RunOptions(variables, json ? EventFormatter.Mode.JSON : EventFormatter.Mode.TABLE,
                btfFile, Optional.ofNullable(ifname), Optional.ofNullable(uprobeBinary),
                durationSeconds == null ? null : Duration.ofMillis((long) (durationSeconds * 1000)), verbose);
        runForeground(located, options);
    }

    static void runForeground(PackageLocator.Located located, RunOptions options) {
        if (!dev.ebpm.loader.KernelSupport.isRoot()) {
            throw new UserError("running BPF programs needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm run " + located.name());
        }
        SkeletonRunner runner = SkeletonRunner.start(located.decoded(), located.name(), options, System.err);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.stop();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "ebpm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (options.verbose()) {
            for (String a : runner.attachPoints()) System.err.println("ebpm: attached " + a);
        }
        System.err.println("ebpm: " + located.name() + " running (" + runner.attachPoints().size()
                + " programs attached); Ctrl-C to stop");
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        try {
            runner.run(out);
        } finally {
            runner.close();
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is already running and waits for us
        }
        if (runner.eventsLost() > 0) System.err.println("ebpm: " + runner.eventsLost() + " events were lost (buffer full)");
    }
}
