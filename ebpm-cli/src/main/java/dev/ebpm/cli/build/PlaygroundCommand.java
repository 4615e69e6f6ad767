package dev.ebpm.cli.build;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import dev.ebpm.playground.Playground;
import dev.ebpm.playground.PlaygroundException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebpm playground}: serves the playground on loopback until Ctrl-C. */
@Command(name = "playground", mixinStandardHelpOptions = true,
        description = {"Edit, build and run an eBPF program in a browser page.",
            "",
            "Serves a page on this machine (loopback only) to write, build and run an eBPF program in the browser: an editor "
                + "pre-filled from `ebpm init`'s template, an installed package's or an example's source; Build (clang's errors marked "
                + "on their lines); Run (events live as a table, histograms as bars, bpf_printk lines); Stop; Save as package.",
            "",
            "The address it prints carries a random token: a request without it is refused. One run at a time; a run is detached "
                + "when its page closes, after --idle-timeout without use, and on Ctrl-C. Building works as any user; running needs root."},
        footer = {"", "Examples:",
            "  sudo ebpm playground                 # prints http://127.0.0.1:PORT/?token=...",
            "  sudo ebpm playground --port 8080 --dir ~/bpf"})
public final class PlaygroundCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Loopback address to serve on: 127.0.0.1, ::1 or localhost (default: 127.0.0.1)")
    String bind = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to serve on (default: 0, a free one)")
    int port;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where Save as package writes NAME/ (default: the current directory)")
    Path dir = Path.of("");

    @Option(names = "--idle-timeout", paramLabel = "MINUTES", description = "Stop a run after this many minutes without a click on its page (default: 30)")
    Long idleMinutes; // null: the playground's default (picocli builds this class for every --help: nothing of the playground loads here)

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) return fail(err, "--port " + port + ": expected 0 to 65535");
        if (idleMinutes != null && idleMinutes < 1) return fail(err, "--idle-timeout " + idleMinutes + ": expected at least 1 minute");
        Playground.Options options = Playground.Options.defaults(dir).withBind(bind).withPort(port);
        if (idleMinutes != null) options = options.withIdleTimeout(Duration.ofMinutes(idleMinutes));
        try (Session session = store.session(); Playground playground = Playground.start(session, options)) {
            out.println("ebpm playground: " + playground.url());
            out.println("saving packages to " + playground.saveDir() + (Playground.canRun() ? "" : "; Build works, Run needs root (sudo ebpm playground)"));
            out.println("Ctrl-C stops it (and any run it holds).");
            out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                playground.close();
                stopped.countDown();
            }, "ebpm-playground-shutdown"));
            stopped.await();
            return 0;
        } catch (PlaygroundException e) {
            return fail(err, e.getMessage());
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("ebpm: error: " + message);
        return 1;
    }
}
