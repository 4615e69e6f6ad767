package dev.ebpm.core.runs.host;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.PackageCopy;
import dev.ebpm.core.runs.Reconciler;
import dev.ebpm.core.runs.RestartPolicy;
import dev.ebpm.core.runs.RunDirectory;
import dev.ebpm.core.runs.RunId;
import dev.ebpm.core.runs.RunSpec;
import dev.ebpm.core.session.Session;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every detached run of one store, hosted in this process (the daemon): started from a package copy the CLI located
 * and verified, taken over from the pins a previous daemon left, started again by its restart policy, stopped on
 * request. Each run polls on a thread of its own; one timer publishes every run's counters to its status.json each
 * second. The store's runs table says where each run is; this process is the host recorded for the runs it holds.
 */
public final class RunHost implements AutoCloseable {
    private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1), MAX_RESTART_DELAY = Duration.ofSeconds(60);
    /** A run that stayed up this long starts its restart delays over. */
    private static final Duration STABLE = Duration.ofSeconds(60);
    private static final int MAX_FAILED_RESTARTS = 5;
    private static final java.util.regex.Pattern PACKAGE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private final Session session;
    private final RunMetering metering;
    private final long pid = ProcessHandle.current().pid();
    private final String pidStart = Reconciler.processStart(pid).orElseThrow();
    private final Map<String, HostedRun> runs = new ConcurrentHashMap<>();
    /** Runs waiting for their restart delay, with the attempts made in a row. */
    private final Map<String, Integer> pendingRestarts = new ConcurrentHashMap<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    /** One load at a time: libbpf's verbose echo is process-wide. */
    private final Object loading = new Object();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ebpm-runs-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;
    private volatile Instant idleSince = Instant.now();

    /** @param metering serves the metrics a run's spec asks for */
    public RunHost(Session session, RunMetering metering) {
        this.session = session;
        this.metering = metering;
        timer.scheduleAtFixedRate(this::publish, 1, 1, TimeUnit.SECONDS);
    }

    public long pid() {
        return pid;
    }

    /**
     * What {@link #start} did: the run's id and attach points, whether its programs are pinned, and where its metrics
     * are served (the port the system picked for port 0), if they are.
     */
    public record Started(String id, List<String> attachPoints, boolean pinned, Optional<InetSocketAddress> metrics) {}

    /**
     * Starts a run of {@code copy} (the bytes the CLI located and verified) for user {@code uid}: writes the copy and
     * the spec into a new run directory, records the run, loads and attaches it, pins it. Returns once it is attached.
     *
     * @throws RunException with the reason when it cannot load or attach; the run is recorded failed
     */
    public Started start(RunSpec spec, PackageCopy copy, int uid) {
        if (closing) throw new RunException("the ebpm daemon is shutting down");
        RestartPolicy.of(spec.restart());
        if (spec.packageName() == null || !PACKAGE_NAME.matcher(spec.packageName()).matches()) {
            throw new RunException("a run's package name is letters, digits, '.', '_' or '-', not '" + RunId.printable(spec.packageName()) + "'");
        }
        if (!"bpf".equals(spec.kind()) && !"wasm".equals(spec.kind())) throw new RunException("a run's kind is bpf or wasm");
        LocalStore store = session.store();
        String id = RunId.random();
        RunDirectory dir = RunDirectory.create(store.root(), id);
        Path main = dir.writeCopy(spec, copy);
        RunnablePackage pkg = copy.decode(spec.packageName(), spec.version(), main.toString());
        store.runs().insert(new RunRecord(id, spec.packageName(), spec.version(), spec.kind(), spec.words(main), pid, pidStart, uid,
                Instant.now(), null, RunState.STARTING, null, null, null, dir.events().toString(), List.of(), spec.restart(), 0));
        HostedRun run = host(id, dir, spec, pkg, false, List.of());
        return new Started(id, store.runs().find(id).map(RunRecord::attachPoints).orElse(List.of()), run.pinned(), run.metricsAddress());
    }

    /**
     * Loads (or adopts), records the run RUNNING with this process as its host, and starts serving it. On failure the
     * run is recorded failed and the reason rethrown.
     */
    private HostedRun host(String id, RunDirectory dir, RunSpec spec, RunnablePackage pkg, boolean adopt, List<String> attachPoints) {
        HostedRun run = new HostedRun(id, dir, spec, pkg, metering);
        List<String> attached;
        try {
            synchronized (loading) {
                attached = run.attach(adopt, attachPoints);
            }
        } catch (RuntimeException e) {
            String why = oneLine(e);
            session.store().runs().finish(id, RunState.FAILED, 1, null, why);
            throw new RunException(why);
        }
        boolean recorded = adopt ? session.store().runs().setHost(id, pid, pidStart)
                : session.store().runs().markRunning(id, pid, pidStart, attached);
        if (!recorded) {
            run.close();
            throw new RunException("run " + id + " was ended while it started");
        }
        runs.put(id, run);
        run.serve(this::ended);
        return run;
    }

    /**
     * Takes over what the last daemon of this store left (called once, before serving): a live run whose host is gone
     * is adopted from its pins; without pins, its restart policy starts it again from its verified copy, or it is
     * recorded killed. Runs whose host still runs (a runner of ebpm before the daemon) are left to it. Returns a line
     * per run for the daemon's log.
     */
    public List<String> recover() {
        List<String> notes = new ArrayList<>();
        LocalStore store = session.store();
        for (RunRecord r : store.runs().list(false)) {
            if (runs.containsKey(r.id()) || Reconciler.hostAlive(r)) continue;
            RunDirectory dir = RunDirectory.of(store.root(), r.id());
            if (r.kind().equals("bpf") && dir.pinned()) {
                try {
                    RunDirectory.Copy copy = dir.readCopy();
                    host(r.id(), dir, copy.spec(), copy.pkg().decode(r.packageName(), r.version(), dir.dir().resolve("package").toString()), true, r.attachPoints());
                    notes.add("adopted run " + r.id() + " (" + r.packageName() + ") from " + dir.pinDirectory());
                    continue;
                } catch (RuntimeException e) {
                    notes.add("cannot adopt run " + r.id() + " (" + r.packageName() + "): " + oneLine(e) + "; its pins are removed");
                    dir.removePins();
                    if (!store.runs().find(r.id()).map(x -> x.state().live()).orElse(false)) continue; // recorded failed
                }
            }
            if (RestartPolicy.of(r.restart()).afterLoss()) {
                notes.add("run " + r.id() + " (" + r.packageName() + ") lost its programs with its host: restarting it (--restart " + r.restart() + ")");
                restart(r.id());
            } else {
                store.runs().finish(r.id(), RunState.KILLED, null, null, null);
                dir.removePins();
                notes.add("run " + r.id() + " (" + r.packageName() + ") lost its programs with its host: recorded killed");
            }
        }
        return notes;
    }

    /** A run's thread ended by itself (duration over, guest exited, a failure): its restart policy decides what next. */
    private void ended(HostedRun run, HostedRun.End end) {
        runs.remove(run.id);
        publish(run);
        try {
            run.close();
        } catch (RuntimeException e) {
            run.note("releasing the run failed: " + e.getMessage());
        }
        RestartPolicy policy = run.spec.restartPolicy();
        if (!closing && policy.afterEnd(end.failed())) {
            if (Duration.between(run.hostedSince, Instant.now()).compareTo(STABLE) > 0) attempts.remove(run.id);
            int n = attempts.merge(run.id, 1, Integer::sum);
            if (n > MAX_FAILED_RESTARTS) {
                session.store().runs().finish(run.id, RunState.EXITED, end.exitCode(), null,
                        "gave up after " + MAX_FAILED_RESTARTS + " restarts in a row" + (end.error() == null ? "" : ": " + end.error()));
                attempts.remove(run.id);
                idleCheck();
                return;
            }
            long delay = Math.min(MAX_RESTART_DELAY.toMillis(), FIRST_RESTART_DELAY.toMillis() << (n - 1));
            pendingRestarts.put(run.id, n);
            timer.schedule(() -> restart(run.id), delay, TimeUnit.MILLISECONDS);
            return;
        }
        session.store().runs().finish(run.id, RunState.EXITED, end.exitCode(), null, end.error());
        attempts.remove(run.id);
        idleCheck();
    }

    /** Starts a live run again from its verified copy: the same id, one restart more. */
    private void restart(String id) {
        pendingRestarts.remove(id);
        if (closing) return;
        LocalStore store = session.store();
        RunRecord r = store.runs().find(id).orElse(null);
        if (r == null || !r.state().live() || !store.runs().restarting(id, pid, pidStart)) {
            idleCheck();
            return; // stopped meanwhile
        }
        RunDirectory dir = RunDirectory.of(store.root(), id);
        RunnablePackage pkg;
        RunDirectory.Copy copy;
        try {
            copy = dir.readCopy();
            pkg = copy.pkg().decode(r.packageName(), r.version(), dir.dir().resolve("package").toString());
        } catch (RuntimeException e) {
            store.runs().finish(id, RunState.FAILED, 1, null, "cannot restart: " + oneLine(e));
            idleCheck();
            return;
        }
        try {
            host(id, dir, copy.spec(), pkg, false, List.of());
        } catch (RunException e) {
            idleCheck(); // host() recorded why it failed
        }
    }

    /** What {@link #stop} did. {@code hosted} false: the run is not in this process (the caller handles it). */
    public record Stopped(boolean hosted, boolean inTime) {}

    /**
     * Stops run {@code id} for user {@code uid}: its thread ends, its pins are removed, its programs detach, and the
     * run is recorded stopped (SIGTERM, as {@code ebpm stop} has always said). A run waiting for its restart delay is
     * recorded stopped at once.
     */
    public Stopped stop(String id, Duration timeout, int uid) {
        RunId.require(id);
        LocalStore store = session.store();
        RunRecord r = store.runs().find(id).orElseThrow(() -> new RunException("no run with id " + id + " (see ebpm ps -a)"));
        if (uid != 0 && uid != r.uid()) throw new RunException("run " + id + " belongs to uid " + r.uid());
        HostedRun run = runs.remove(id);
        if (run == null) {
            if (pendingRestarts.remove(id) != null || (r.state().live() && r.pid() != null && r.pid() == pid)) {
                store.runs().finish(id, RunState.EXITED, null, "TERM", null);
                attempts.remove(id);
                idleCheck();
                return new Stopped(true, true);
            }
            return new Stopped(false, true);
        }
        boolean inTime = run.end(HostedRun.Ending.STOPPED, timeout.toMillis());
        publish(run);
        try {
            run.close();
        } finally {
            store.runs().finish(id, inTime ? RunState.EXITED : RunState.KILLED, null, inTime ? "TERM" : "KILL",
                    inTime ? null : "did not stop within " + timeout.toMillis() / 1000.0 + " s");
            attempts.remove(id);
            idleCheck();
        }
        return new Stopped(true, inTime);
    }

    /** The runs this process hosts now. */
    public List<String> hosted() {
        return List.copyOf(runs.keySet());
    }

    /** Counters of a hosted run (events, lost), for the metrics route. */
    public Map<String, dev.ebpm.core.runs.RunStatus> counters() {
        Map<String, dev.ebpm.core.runs.RunStatus> out = new java.util.TreeMap<>();
        for (HostedRun r : runs.values()) out.put(r.id, r.status());
        return out;
    }

    /** Since when nothing is hosted or waiting to restart; null while something is. */
    public Instant idleSince() {
        return runs.isEmpty() && pendingRestarts.isEmpty() ? idleSince : null;
    }

    private void idleCheck() {
        if (runs.isEmpty() && pendingRestarts.isEmpty()) idleSince = Instant.now();
    }

    private void publish() {
        for (HostedRun r : runs.values()) publish(r);
    }

    private static void publish(HostedRun r) {
        try {
            r.status().write(r.dir.status());
        } catch (IOException | RuntimeException e) {
            // ps shows the last counters; the run goes on
        }
    }

    /**
     * The daemon goes away (SIGTERM, an upgrade): pinned runs stay attached for the next daemon to adopt; the others end
     * here, and are recorded stopped unless their restart policy will start them again.
     */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        for (HostedRun run : List.copyOf(runs.values())) {
            run.end(HostedRun.Ending.SHUTDOWN, 10_000);
            publish(run);
            runs.remove(run.id);
            if (run.pinned()) {
                run.leaveAttached();
                continue;
            }
            try {
                run.close();
            } catch (RuntimeException e) {
                run.note("releasing the run failed: " + e.getMessage());
            }
            if (!run.spec.restartPolicy().afterLoss()) session.store().runs().finish(run.id, RunState.EXITED, null, "TERM", null);
        }
    }

    private static String oneLine(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " ");
    }
}
