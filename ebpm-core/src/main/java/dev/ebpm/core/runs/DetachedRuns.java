package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Detached runs ({@code ebpm run -d}, {@code ps}, {@code stop}): each is a row in the store's runs table, a directory
 * under {@code <store>/runs/ID/} and a runner process in its own session. Starting records the run, pins the verified
 * package bytes into its directory (the runner loads those, never the name again), starts the runner and waits until
 * it attached or failed.
 */
public final class DetachedRuns {
    /** The hidden subcommand a runner process is started with: {@code ... runner --store ROOT ID}. */
    public static final String RUNNER_COMMAND = "runner";
    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private final Session session;

    public DetachedRuns(Session session) {
        this.session = session;
    }

    /** How {@link #start} ended: the run id, and whether it is still starting after the timeout. */
    public record Started(String id, boolean stillStarting, Path runnerLog) {}

    /**
     * @param words         the words the runner re-reads to run the same thing, given the path of the pinned copy
     * @param runnerCommand the command line that starts a runner for a run id (the CLI's own JVM and class path)
     */
    public Started start(RunnablePackage pkg, Function<String, List<String>> words, Function<String, List<String>> runnerCommand) {
        if (!KernelSupport.hasBpfPrivileges()) {
            throw new RunException("running BPF programs needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm run -d " + pkg.name());
        }
        LocalStore store = session.store();
        String id = RunId.random();
        RunDirectory dir = RunDirectory.create(store.root(), id);
        Path pinned = dir.pin(pkg);
        store.runs().insert(RunRecord.starting(id, pkg.name(), pkg.version() == null ? "-" : pkg.version(), pkg.isWasm() ? "wasm" : "bpf",
                words.apply(pinned.toString()), Reconciler.currentUid(), dir.events().toString()));
        Process runner;
        try {
            runner = new ProcessBuilder(runnerCommand.apply(id))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.runnerLog().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.runnerLog().toFile()))
                    .start();
        } catch (IOException e) {
            store.runs().finish(id, RunState.FAILED, null, null, "cannot start the runner: " + e.getMessage());
            throw new RunException("cannot start the runner process: " + e.getMessage());
        }
        store.runs().setPid(id, runner.pid(), Reconciler.processStart(runner.pid()).orElse(null));
        return awaitAttached(store, runner, id, dir);
    }

    private static Started awaitAttached(LocalStore store, Process runner, String id, RunDirectory dir) {
        long deadline = System.nanoTime() + ATTACH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ended = !runner.isAlive();
            RunRecord r = store.runs().find(id).orElseThrow();
            switch (r.state()) {
                case RUNNING, EXITED -> {
                    return new Started(id, false, dir.runnerLog());
                }
                case FAILED -> throw new RunException(r.error() == null ? "the run failed; see " + dir.runnerLog() : r.error());
                case KILLED -> throw new RunException("the runner was killed before it attached; see " + dir.runnerLog());
                default -> {
                    // still starting
                }
            }
            if (ended) {
                store.runs().finish(id, RunState.KILLED, runner.exitValue(), null, null);
                throw new RunException("the runner exited with status " + runner.exitValue() + " before it attached: " + lastLine(dir.runnerLog()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Started(id, true, dir.runnerLog());
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
            throw new UncheckedIOException(e);
        }
    }

    /** A run as {@code ps} shows it: its record after reconciliation, its counters, and whether it was found gone just now. */
    public record Listed(RunRecord run, RunStatus status, boolean foundGone) {}

    /** Every live run (and ended ones with {@code all}), reconciled with the processes that exist. Creates no store. */
    public List<Listed> list(boolean all) {
        List<Listed> out = new ArrayList<>();
        if (session.existingStore().isEmpty()) return out;
        LocalStore s = session.store();
        for (RunRecord r : s.runs().list(all)) {
            RunRecord now = Reconciler.reconcile(s, r);
            boolean gone = r.state().live() && !now.state().live();
            if (all || now.state().live() || gone) {
                out.add(new Listed(now, RunStatus.read(RunDirectory.of(s.root(), now.id()).status()), gone));
            }
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
     * Stops runs: SIGTERM asks each runner to detach and exit; one still alive after {@code timeout} is killed and what it
     * pinned is removed. {@code target}: a run id or a package name (every running run of it); null with {@code all}.
     */
    public Stopped stop(String target, boolean all, Duration timeout) {
        if (all == (target != null)) throw new RunException("stop needs a run id, a package name or --all");
        LocalStore s = session.store();
        List<RunRecord> runs = targets(s, target, all);
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
        List<String> ids = new ArrayList<>();
        for (RunRecord r : runs) {
            Reconciler.reconcile(s, s.runs().find(r.id()).orElse(r));
            ids.add(r.id());
        }
        return new Stopped(ids, killed);
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
