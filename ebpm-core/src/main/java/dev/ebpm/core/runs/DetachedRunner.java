package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.wasm.WasmOptions;
import dev.ebpm.loader.wasm.WasmRunner;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import sun.misc.Signal;

/**
 * The body of a runner process (what {@code run -d} starts): loads and attaches the pinned package, records RUNNING with
 * the attach points, writes events to the run's log and its counters to status.json, and on SIGTERM/SIGINT/SIGHUP
 * detaches, closes everything and records how it ended.
 */
public final class DetachedRunner {
    private final Session session;
    private final String id;
    private final AtomicReference<Runnable> stopper = new AtomicReference<>();
    private volatile String stopSignal;

    public DetachedRunner(Session session, String id) {
        this.session = session;
        this.id = RunId.require(id);
    }

    /** The record this runner serves, which must still be STARTING. */
    public RunRecord record() {
        RunRecord rec = session.store().runs().find(id).orElseThrow(() -> new RunException("no run with id " + id));
        if (rec.state() != RunState.STARTING) throw new RunException("run " + id + " is " + rec.state().id() + ", not starting");
        return rec;
    }

    /**
     * Runs {@code pkg} until it ends or a signal stops it. {@code options} for an eBPF package, {@code guestArgs} and
     * {@code wasm} for a WASM one; {@code log} receives libbpf's and the runner's own lines; {@code observer} follows an
     * eBPF run (its metrics), or is null.
     */
    public void serve(RunnablePackage pkg, RunOptions options, List<String> guestArgs, WasmOptions wasm, PrintStream log, RunObserver observer) {
        for (String sig : List.of("TERM", "INT", "HUP")) Signal.handle(new Signal(sig), s -> stop(s.getName()));
        long pid = ProcessHandle.current().pid();
        RunDirectory dir = RunDirectory.of(session.storeRoot(), id);
        boolean attached = false;
        try (EventLog events = new EventLog(dir.events(), EventLog.configuredMaxBytes())) {
            if (pkg.isWasm()) {
                WasmRunner w = new WasmRunner();
                setStopper(w::stop);
                markRunning(pid, List.of());
                attached = true;
                int code;
                try (Publisher pub = new Publisher(dir, events::lines, () -> 0)) {
                    code = w.run(pkg.wasm(), pkg.name(), guestArgs,
                            wasm.withStdout(events).withStderr(log).withNotes(log).withStdin(InputStream.nullInputStream()));
                }
                finish(RunState.EXITED, stopSignal != null && code == WasmRunner.EXIT_STOPPED ? null : code, null);
            } else {
                SkeletonRunner r = SkeletonRunner.start(pkg.bpf(), pkg.name(), options, log);
                try {
                    setStopper(r::stop);
                    if (observer != null) r.observe(observer);
                    markRunning(pid, r.attachPoints());
                    attached = true;
                    log.println("ebpm: " + pkg.name() + " running (" + r.attachPoints().size() + " programs attached)");
                    try (Publisher pub = new Publisher(dir, r::eventsSeen, r::eventsLost)) {
                        r.run(events);
                    }
                } finally {
                    r.close();
                }
                finish(RunState.EXITED, stopSignal == null ? 0 : null, null);
            }
        } catch (IOException e) {
            finish(attached ? RunState.EXITED : RunState.FAILED, 1, "cannot write the run's log: " + e.getMessage());
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " ");
            finish(attached ? RunState.EXITED : RunState.FAILED, 1, msg);
            throw e;
        }
    }

    /** Records a failure that happened before {@link #serve} (the recorded words no longer locate or parse). */
    public void failed(String message) {
        finish(RunState.FAILED, 1, message);
    }

    private void stop(String signal) {
        if (stopSignal == null) stopSignal = signal;
        Runnable r = stopper.get();
        if (r != null) r.run();
    }

    /** A signal that came while loading stops the run as soon as there is something to stop. */
    private void setStopper(Runnable r) {
        stopper.set(r);
        if (stopSignal != null) r.run();
    }

    private void markRunning(long pid, List<String> attachPoints) {
        if (!session.store().runs().markRunning(id, pid, Reconciler.processStart(pid).orElse(null), attachPoints)) {
            throw new RunException("run " + id + " was ended while it started");
        }
    }

    private void finish(RunState state, Integer exitCode, String error) {
        try {
            session.store().runs().finish(id, state, exitCode, stopSignal, error);
        } catch (RuntimeException e) {
            session.warn("could not record the end of run " + id + ": " + e.getMessage());
        }
    }

    /** Rewrites status.json every second while the run runs, and once more at the end. */
    private static final class Publisher implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebpm-status");
            t.setDaemon(true);
            return t;
        });
        private final RunDirectory dir;
        private final LongSupplier events;
        private final LongSupplier lost;

        Publisher(RunDirectory dir, LongSupplier events, LongSupplier lost) {
            this.dir = dir;
            this.events = events;
            this.lost = lost;
            publish();
            timer.scheduleAtFixedRate(this::publish, 1, 1, TimeUnit.SECONDS);
        }

        private void publish() {
            try {
                new RunStatus(events.getAsLong(), lost.getAsLong(), Instant.now()).write(dir.status());
            } catch (IOException | RuntimeException e) {
                // ps shows the last counters; the run goes on
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            publish();
        }
    }
}
