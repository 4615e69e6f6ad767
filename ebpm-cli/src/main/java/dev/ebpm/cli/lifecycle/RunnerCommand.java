package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.run.RunCommand;
import dev.ebpm.cli.store.StoreOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.wasm.WasmRunner;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * The hidden {@code ebpm runner ID}: the process `run -d` starts. It re-parses the run's recorded words, loads and
 * attaches, records RUNNING with the attach points, writes events to the run's log and its counters to status.json,
 * and on SIGTERM/SIGINT/SIGHUP detaches, closes everything and records how it ended.
 */
@Command(name = RunnerCommand.NAME, hidden = true, description = "Run a detached program (started by ebpm run -d).")
public final class RunnerCommand implements Callable<Integer> {
    static final String NAME = "runner";

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Mixin StoreOptions store = new StoreOptions();

    private final AtomicReference<Runnable> stopper = new AtomicReference<>();
    private volatile String stopSignal;

    @Override
    public Integer call() throws IOException {
        RunId.require(id);
        Path root = store.root();
        RunDirectory dir = RunDirectory.of(root, id);
        RunRecord rec;
        try (LocalStore s = LocalStore.open(root)) {
            rec = s.runs().find(id).orElseThrow(() -> new UserError("no run with id " + id));
        }
        if (rec.state() != RunState.STARTING) throw new UserError("run " + id + " is " + rec.state().id() + ", not starting");
        for (String sig : List.of("TERM", "INT", "HUP")) Signal.handle(new Signal(sig), s -> stop(s.getName()));
        long pid = ProcessHandle.current().pid();
        boolean attached = false;
        try (EventLog log = new EventLog(dir.events(), EventLog.configuredMaxBytes())) {
            RunCommand cmd = new RunCommand();
            CommandLine cl = new CommandLine(cmd);
            cl.setStopAtPositional(true);
            cl.setUnmatchedOptionsArePositionalParams(true);
            cl.parseArgs(rec.args().toArray(String[]::new));
            RunCommand.Prepared p = cmd.prepare(root);
            if (p == null) throw new UserError("the recorded words print help instead of running: " + rec.args());
            if (p.located().isWasm()) {
                WasmRunner w = new WasmRunner();
                setStopper(w::stop);
                markRunning(root, pid, List.of());
                attached = true;
                int code;
                try (Publisher pub = new Publisher(dir, log::lines, () -> 0)) {
                    code = w.run(p.located().wasm(), p.located().name(), p.guestArgs(),
                            cmd.wasmOptions().withStdout(log).withStderr(System.err).withNotes(System.err).withStdin(InputStream.nullInputStream()));
                }
                finish(root, RunState.EXITED, stopSignal != null && code == WasmRunner.EXIT_STOPPED ? null : code, null);
            } else {
                SkeletonRunner r = SkeletonRunner.start(p.located().decoded(), p.located().name(), p.options(), System.err);
                try {
                    setStopper(r::stop);
                    markRunning(root, pid, r.attachPoints());
                    attached = true;
                    System.err.println("ebpm: " + p.located().name() + " running (" + r.attachPoints().size() + " programs attached)");
                    try (Publisher pub = new Publisher(dir, r::eventsSeen, r::eventsLost)) {
                        r.run(log);
                    }
                } finally {
                    r.close();
                }
                finish(root, RunState.EXITED, stopSignal == null ? 0 : null, null);
            }
            return 0;
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " ");
            finish(root, attached ? RunState.EXITED : RunState.FAILED, 1, msg);
            throw e;
        }
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

    private void markRunning(Path root, long pid, List<String> attachPoints) {
        try (LocalStore s = LocalStore.open(root)) {
            if (!s.runs().markRunning(id, pid, Reconciler.processStart(pid).orElse(null), attachPoints)) throw new UserError("run " + id + " was ended while it started");
        }
    }

    private void finish(Path root, RunState state, Integer exitCode, String error) {
        try (LocalStore s = LocalStore.open(root)) {
            s.runs().finish(id, state, exitCode, stopSignal, error);
        } catch (RuntimeException e) {
            PrintStream err = System.err;
            err.println("ebpm: could not record the end of run " + id + ": " + e.getMessage());
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
