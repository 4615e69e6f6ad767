package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.KernelPrograms;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Detached runs ({@code ebpm run -d}, {@code ps}, {@code stop}) as the CLI sees them: each is a row in the store's
 * runs table and a directory under {@code runs/ID/}, hosted by the store's daemon. Starting hands the daemon the
 * verified package bytes (it never resolves the name again), starting the daemon first when none answers; listing
 * reads the store, so it works without a daemon; stopping asks the daemon, or cleans up itself what no process hosts.
 */
public final class DetachedRuns {
    /** The hidden subcommand runner processes of ebpm before the daemon were started with ({@code ... runner ID}). */
    public static final String RUNNER_COMMAND = "runner";
    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DAEMON_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final Session session;

    public DetachedRuns(Session session) {
        this.session = session;
    }

    /**
     * What {@link #start} did: the run id, whether the daemon pinned its programs (they outlive the daemon), and where
     * the daemon serves the run's metrics ({@code HOST:PORT}), if it does.
     */
    public record Started(String id, boolean pinned, Optional<String> metrics) {}

    /**
     * Has the store's daemon run {@code pkg} (the package as it was located and verified), starting a daemon with
     * {@code daemonCommand} when none answers. Returns once the programs are attached.
     *
     * @throws RunException with the daemon's reason when it cannot load or attach (the run is recorded failed)
     */
    public Started start(RunnablePackage pkg, RunSpec spec, Supplier<List<String>> daemonCommand) {
        RestartPolicy.of(spec.restart());
        DaemonClient daemon = daemon(daemonCommand, "try sudo ebpm run -d " + pkg.name());
        var reply = daemon.post("/v1/runs", Map.of("spec", spec, "files", PackageCopy.of(pkg).files()), ATTACH_TIMEOUT).orThrow().json();
        return new Started(reply.get("id").asText(), reply.path("pinned").asBoolean(),
                reply.path("metrics").isTextual() ? Optional.of(reply.get("metrics").asText()) : Optional.empty());
    }

    /**
     * A client of the store's daemon, which is started first if none answers. A running daemon serves whoever its socket
     * admits (root and its group); starting one takes BPF privileges ({@code hint} says how to get them).
     */
    private DaemonClient daemon(Supplier<List<String>> daemonCommand, String hint) {
        DaemonPaths paths = DaemonPaths.of(session.storeRoot());
        DaemonClient client = new DaemonClient(paths.socket());
        try {
            client.get("/v1/status", Duration.ofSeconds(10)).orThrow();
            return client;
        } catch (DaemonClient.Unreachable e) {
            if (e.denied()) throw e;
        }
        if (!KernelSupport.hasBpfPrivileges()) {
            throw new RunException("running BPF programs needs root (or CAP_BPF and CAP_PERFMON), and no ebpm daemon runs for "
                    + session.storeRoot() + ": " + hint);
        }
        Process daemon;
        try {
            Files.createDirectories(paths.log().getParent());
            daemon = new ProcessBuilder(daemonCommand.get())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(paths.log().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(paths.log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new RunException("cannot start the ebpm daemon: " + e.getMessage());
        }
        long deadline = System.nanoTime() + DAEMON_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (client.reachable()) return client;
            // another daemon may have won the race for this store: it answers soon, though ours exits
            if (!daemon.isAlive() && paths.readInfo().filter(DaemonPaths.Info::alive).isEmpty()) {
                throw new RunException("the ebpm daemon exited with status " + daemon.exitValue() + " before it answered: " + lastLine(paths.log()));
            }
            sleep(20);
        }
        throw new RunException("the ebpm daemon did not answer on " + paths.socket() + " within " + DAEMON_START_TIMEOUT.toSeconds()
                + " s; see " + paths.log());
    }

    static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) return l.replaceFirst("^ebpm: error: ", "");
            }
            return "(no output; see " + file + ")";
        } catch (IOException e) {
            return "(see " + file + ")";
        }
    }

    /**
     * A run as {@code ps} shows it: its record after reconciliation, its counters, whether it was found gone just now,
     * and whether it waits for a daemon (its host is gone; its programs are pinned, or its restart policy will start it).
     */
    public record Listed(RunRecord run, RunStatus status, boolean foundGone, boolean waiting, boolean pinned) {
        /** running, starting, stopped (SIGTERM), exited (0), killed, failed: why; and for a run no daemon hosts now, why it is live. */
        public String state() {
            if (!waiting) return describe(run);
            return pinned ? "running (no daemon)" : "waiting to restart (no daemon)";
        }

        /** The run as {@code ps --json} and the daemon's API show it. */
        public Map<String, Object> json(Instant now) {
            RunRecord r = run;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("package", r.packageName());
            m.put("version", r.version());
            m.put("kind", r.kind());
            m.put("args", r.args());
            m.put("pid", r.pid());
            m.put("uid", r.uid());
            m.put("state", r.state().id());
            m.put("started_at", r.startedAt().toString());
            m.put("ended_at", r.endedAt() == null ? null : r.endedAt().toString());
            m.put("uptime_seconds", Duration.between(r.startedAt(), r.endedAt() == null ? now : r.endedAt()).toSeconds());
            m.put("exit_code", r.exitCode());
            m.put("signal", r.signal());
            m.put("error", r.error());
            m.put("programs", r.attachPoints().size());
            m.put("attach_points", r.attachPoints());
            m.put("events", status.events());
            m.put("events_lost", status.lost());
            m.put("log", r.logPath());
            m.put("restart", r.restart());
            m.put("restarts", r.restarts());
            m.put("hosted", r.state().live() && !waiting);
            m.put("pins", pinned ? RunDirectory.BPFFS.resolve(r.id()).toString() : null);
            return m;
        }
    }

    /** Every live run (and ended ones with {@code all}), reconciled with the processes and pins that exist. Creates no store. */
    public List<Listed> list(boolean all) {
        List<Listed> out = new ArrayList<>();
        if (session.existingStore().isEmpty()) return out;
        LocalStore s = session.store();
        for (RunRecord r : s.runs().list(all)) {
            RunRecord now = Reconciler.reconcile(s, r);
            boolean gone = r.state().live() && !now.state().live();
            if (all || now.state().live() || gone) {
                RunDirectory dir = RunDirectory.of(s.root(), now.id());
                boolean waiting = now.state().live() && !Reconciler.hostAlive(now);
                out.add(new Listed(now, RunStatus.read(dir.status()), gone, waiting, now.state().live() && dir.pinned()));
            }
        }
        return out;
    }

    /**
     * A BPF program in the kernel, joined with ebpm's records: the run whose pins hold it ({@code /sys/fs/bpf/ebpm/ID}),
     * and that run's record in this store, if it has one (null: not ebpm's, or a run of another store).
     */
    public record KernelProgram(KernelPrograms.LoadedProgram program, String runId, RunRecord run) {}

    /** Every BPF program loaded in the kernel, ebpm's marked with their run. @throws dev.ebpm.loader.BpfException when not root */
    public List<KernelProgram> kernelPrograms() {
        List<KernelPrograms.LoadedProgram> programs = KernelPrograms.list();
        Map<Integer, String> runOf = new java.util.HashMap<>();
        File[] pinned = RunDirectory.BPFFS.toFile().listFiles((d, n) -> RunId.isValid(n));
        if (pinned != null) {
            for (File dir : pinned) for (int id : KernelPrograms.pinnedUnder(dir.toPath())) runOf.put(id, dir.getName());
        }
        Map<String, RunRecord> records = new java.util.HashMap<>();
        session.existingStore().ifPresent(s -> s.runs().list(true).forEach(r -> records.put(r.id(), r)));
        List<KernelProgram> out = new ArrayList<>();
        for (KernelPrograms.LoadedProgram p : programs) {
            String run = runOf.get(p.id());
            out.add(new KernelProgram(p, run, run == null ? null : records.get(run)));
        }
        return out;
    }

    /** The record of run {@code id}, reconciled, if the caller may see it. */
    public RunRecord find(String id) {
        RunId.require(id);
        LocalStore s = session.existingStore().orElseThrow(() -> new RunException("no run with id " + id + " (see ebpm ps -a)"));
        RunRecord r = s.runs().find(id).orElseThrow(() -> new RunException("no run with id " + id + " (see ebpm ps -a)"));
        Reconciler.checkOwner(r);
        return Reconciler.reconcile(s, r);
    }

    public Path eventLog(String id) {
        return RunDirectory.of(session.storeRoot(), RunId.require(id)).events();
    }

    /** What {@link #stop} did: the runs stopped, and those that had to be killed. */
    public record Stopped(List<String> ids, List<String> killed) {}

    /**
     * Stops runs: the daemon detaches and unpins those it hosts; a run no process hosts (pinned, or waiting to
     * restart) is unpinned here; a runner process of ebpm before the daemon gets SIGTERM, and SIGKILL after
     * {@code timeout}. {@code target}: a run id or a package name (every running run of it); null with {@code all}.
     */
    public Stopped stop(String target, boolean all, Duration timeout) {
        if (all == (target != null)) throw new RunException("stop needs a run id, a package name or --all");
        LocalStore s = session.store();
        List<RunRecord> runs = targets(s, target, all);
        DaemonPaths paths = DaemonPaths.of(s.root());
        Optional<DaemonPaths.Info> daemon = paths.readInfo().filter(DaemonPaths.Info::alive);
        List<String> killed = new ArrayList<>();
        List<RunRecord> runners = new ArrayList<>();
        for (RunRecord r : runs) {
            if (daemon.isPresent() && daemon.get().hosts(r.pid(), r.pidStart())) {
                var reply = new DaemonClient(paths.socket()).post("/v1/runs/" + r.id() + "/stop?timeout_ms=" + timeout.toMillis(), null,
                        timeout.plusSeconds(30)).orThrow().json();
                if (!reply.path("in_time").asBoolean(true)) killed.add(r.id());
            } else if (Reconciler.isRunner(r)) {
                runners.add(r);
            } else {
                RunDirectory.of(s.root(), r.id()).removePins();
                s.runs().finish(r.id(), RunState.EXITED, null, "TERM", null);
            }
        }
        killed.addAll(stopRunners(s, runners, timeout));
        List<String> ids = new ArrayList<>();
        for (RunRecord r : runs) {
            Reconciler.reconcile(s, s.runs().find(r.id()).orElse(r));
            ids.add(r.id());
        }
        return new Stopped(ids, killed);
    }

    /** Runner processes of ebpm before the daemon: SIGTERM, then SIGKILL for those still alive after {@code timeout}. */
    private static List<String> stopRunners(LocalStore s, List<RunRecord> runs, Duration timeout) {
        for (RunRecord r : runs) ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RunRecord> left = new ArrayList<>(runs);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left.removeIf(r -> !Reconciler.isRunner(r));
            if (!left.isEmpty()) sleep(20);
        }
        List<String> killed = new ArrayList<>();
        for (RunRecord r : left) {
            if (!Reconciler.isRunner(r)) continue;
            ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
            long until = System.nanoTime() + 5_000_000_000L;
            while (Reconciler.isRunner(r) && System.nanoTime() < until) sleep(20);
            s.runs().finish(r.id(), RunState.KILLED, null, "KILL", "did not stop within " + timeout.toMillis() / 1000.0 + " s of SIGTERM");
            killed.add(r.id());
        }
        return killed;
    }

    private List<RunRecord> targets(LocalStore s, String target, boolean all) {
        int me = Reconciler.currentUid();
        List<RunRecord> out = new ArrayList<>();
        if (all) {
            for (RunRecord r : s.runs().list(false)) {
                r = Reconciler.reconcile(s, r);
                if (r.state().live() && (me == 0 || me == r.uid())) out.add(r);
            }
            return out;
        }
        if (RunId.isValid(target)) {
            var found = s.runs().find(target);
            if (found.isPresent()) {
                RunRecord r = Reconciler.reconcile(s, found.get());
                Reconciler.checkOwner(r);
                if (!r.state().live()) {
                    throw new RunException("run " + r.id() + " (" + r.packageName() + ") is not running: " + describe(r)
                            + (r.endedAt() == null ? "" : " at " + r.endedAt().truncatedTo(ChronoUnit.SECONDS)));
                }
                out.add(r);
                return out;
            }
            if (s.runs().list(true).stream().noneMatch(r -> r.packageName().equals(target))) {
                throw new RunException("no run with id " + target + " (see ebpm ps -a)");
            }
        } else if (!PACKAGE_NAME.matcher(target).matches()) {
            RunId.require(target);
        }
        for (RunRecord r : s.runs().list(false)) {
            if (!r.packageName().equals(target)) continue;
            r = Reconciler.reconcile(s, r);
            if (!r.state().live()) continue;
            Reconciler.checkOwner(r);
            out.add(r);
        }
        if (out.isEmpty()) throw new RunException("no running run of package '" + target + "' (see ebpm ps)");
        return out;
    }

    /** running, starting, stopped (SIGTERM), exited (0), killed, failed: why. */
    public static String describe(RunRecord r) {
        return switch (r.state()) {
            case STARTING, RUNNING -> r.state().id();
            case EXITED -> r.signal() != null ? "stopped (SIG" + r.signal() + ")"
                    : "exited (" + (r.exitCode() == null ? "?" : r.exitCode()) + ")" + (r.error() == null ? "" : ": " + r.error());
            case KILLED -> r.signal() != null ? "killed (SIG" + r.signal() + ")" : "killed";
            case FAILED -> "failed" + (r.error() == null ? "" : ": " + r.error());
        };
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunException("interrupted");
        }
    }
}
