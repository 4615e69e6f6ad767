package dev.ebpm.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.runs.DaemonClient;
import dev.ebpm.core.runs.DaemonPaths;
import dev.ebpm.core.session.Session;
import dev.ebpm.daemon.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ebpm daemon}: the process that hosts every detached run of a store (started on demand by {@code ebpm run -d},
 * or by systemd), and {@code status} / {@code stop} to ask it how it is or to go.
 */
@Command(name = "daemon", description = {"Host the store's detached runs (ebpm run -d starts it).", "",
    "Host every detached run of the store in this process, serving the CLI on a Unix socket (<store>/runs/daemon.sock)",
    "that admits root and one group. ebpm run -d starts one when none runs; systemd can too (docs/lifecycle.md).",
    "It adopts the runs a previous daemon pinned and restarts those marked --restart. SIGTERM ends it and leaves",
    "pinned programs attached for the next one.",
}, subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand implements Callable<Integer> {
    /**
     * The daemon's JVM flags unless EBPM_DAEMON_JAVA_OPTS says otherwise: one small JVM for every run (the quick JIT,
     * SerialGC, a heap that starts small; docs/lifecycle.md has the figures). One file, daemon-jvm.flags, which
     * ./ebpm also reads for `ebpm daemon` started by hand or by systemd.
     */
    static List<String> daemonJvmFlags() {
        try (var in = DaemonCommand.class.getResourceAsStream("daemon-jvm.flags")) {
            return List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+"));
        } catch (java.io.IOException | NullPointerException e) {
            return List.of(); // a build without the file: the JVM's defaults
        }
    }
    /** The CLI's entry point, by name: a daemon started on demand runs the same jar. */
    private static final String MAIN_CLASS = "dev.ebpm.cli.Main";
    /** A daemon that ebpm run -d started ends after hosting nothing this long. */
    static final int ON_DEMAND_IDLE_SECONDS = 120;

    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = "--group", paramLabel = "GROUP", description = "the group whose members may use the socket besides root, "
            + "a name or a number (default: " + Daemon.DEFAULT_GROUP + " if that group exists, else root only)")
    String group;

    @Option(names = "--exit-when-idle", paramLabel = "SECONDS", description = "exit after hosting nothing this long (ebpm run -d starts it so)")
    Integer exitWhenIdle;

    @Override
    public Integer call() throws Exception {
        if (exitWhenIdle != null && exitWhenIdle < 1) throw new UserError("--exit-when-idle expects seconds >= 1");
        try (Session session = store.session()) {
            return Daemon.serve(session, new Daemon.Options(group, exitWhenIdle == null ? null : Duration.ofSeconds(exitWhenIdle),
                    dev.ebpm.cli.options.Release.VERSION), System.err);
        }
    }

    /**
     * How {@code ebpm run -d} starts a daemon for {@code storeRoot}: in its own session (setsid), the same JVM binary
     * and class path as this CLI, ebpm's and SQLite's settings (-Debpm.*, -Dorg.sqlite.*), and the daemon's small-JVM
     * flags (or EBPM_DAEMON_JAVA_OPTS).
     */
    public static List<String> command(Path storeRoot) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid");
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String k : new TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (k.startsWith("ebpm.") || k.startsWith("org.sqlite.")) cmd.add("-D" + k + "=" + System.getProperty(k));
        }
        String opts = System.getenv("EBPM_DAEMON_JAVA_OPTS");
        if (opts != null) {
            for (String o : opts.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
        } else {
            cmd.addAll(daemonJvmFlags());
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.addAll(List.of("daemon", "--store", storeRoot.toString(), "--exit-when-idle", Integer.toString(ON_DEMAND_IDLE_SECONDS)));
        return cmd;
    }

    @Command(name = "status", description = {"Say whether the store's daemon runs, and what it hosts.", "", "Say whether the store's daemon runs: its pid, socket, group, memory and the runs it hosts."})
    static final class Status implements Callable<Integer> {
        @Mixin StoreOptions store = new StoreOptions();

        @Option(names = "--json", description = "print the daemon's answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            DaemonPaths paths = DaemonPaths.of(store.root());
            DaemonClient client = new DaemonClient(paths.socket());
            JsonNode s;
            try {
                s = client.get("/v1/status", Duration.ofSeconds(10)).orThrow().json();
            } catch (DaemonClient.Unreachable e) {
                if (e.denied()) throw new UserError(e.getMessage());
                if (json) System.out.println("{\"running\":false}");
                else System.out.println("no ebpm daemon runs for " + store.root() + " (ebpm run -d starts one; or: ebpm daemon)");
                return 3;
            }
            if (json) {
                System.out.println(s.toPrettyString());
                return 0;
            }
            System.out.printf("ebpm daemon %s: pid %d since %s, socket %s (root%s), %d runs hosted, RSS %.1f MiB%n",
                    s.path("version").asText(), s.path("pid").asLong(), s.path("started_at").asText(), s.path("socket").asText(),
                    s.path("group").isNull() ? "" : " and group " + s.path("group").asText(), s.path("hosted").asInt(),
                    s.path("rss_kib").asLong() / 1024.0);
            return 0;
        }
    }

    @Command(name = "stop", description = {"Ask the store's daemon to exit; pinned programs stay attached.", "", "Ask the store's daemon to exit; pinned programs stay attached and the next daemon adopts them."})
    static final class Stop implements Callable<Integer> {
        @Mixin StoreOptions store = new StoreOptions();

        @Override
        public Integer call() throws InterruptedException {
            DaemonPaths paths = DaemonPaths.of(store.root());
            DaemonClient client = new DaemonClient(paths.socket());
            try {
                client.post("/v1/shutdown", null, Duration.ofSeconds(10)).orThrow();
            } catch (DaemonClient.Unreachable e) {
                if (e.denied()) throw new UserError(e.getMessage());
                System.err.println("ebpm: no ebpm daemon runs for " + store.root());
                return 0;
            }
            // it answers before it goes: wait until its socket is gone
            for (int i = 0; i < 300 && client.reachable(); i++) Thread.sleep(50);
            System.err.println("ebpm: the daemon stopped");
            return 0;
        }
    }
}
