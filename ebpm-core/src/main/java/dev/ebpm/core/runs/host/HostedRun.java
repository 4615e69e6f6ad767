package dev.ebpm.core.runs.host;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.EventLog;
import dev.ebpm.core.runs.RunDirectory;
import dev.ebpm.core.runs.RunSpec;
import dev.ebpm.core.runs.RunStatus;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.wasm.WasmRunner;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run inside the daemon: its loaded (or adopted) programs and their event readers, or its WASM guest, the metrics
 * its spec asks for, a thread that polls and writes the events to the run's log, and how it ended. The daemon
 * ({@link RunHost}) decides what happens after the end.
 */
final class HostedRun {
    /** Why the serving thread ended, if it was asked to. */
    enum Ending {
        /** {@code ebpm stop}: detach and unpin, record the end */
        STOPPED,
        /** the daemon goes away (upgrade, systemctl stop): pinned programs stay attached for the next one */
        SHUTDOWN
    }

    /** How the run ended by itself: the guest's exit status or 0, and the failure that ended it, if one did. */
    record End(int exitCode, String error) {
        boolean failed() {
            return error != null || exitCode != 0;
        }
    }

    final String id;
    final RunDirectory dir;
    final RunSpec spec;
    final Instant hostedSince = Instant.now();
    private final RunnablePackage pkg;
    private final RunMetering metering;
    private final PrintStream notes;
    private final EventLog events;
    private volatile SkeletonRunner bpf;
    private volatile WasmRunner wasm;
    private RunMetering.Meter meter;
    private volatile Ending ending;
    private Thread thread;
    /** What the run counted before this process took it over (adopted or restarted): ps counts on from there. */
    private final RunStatus before;

    HostedRun(String id, RunDirectory dir, RunSpec spec, RunnablePackage pkg, RunMetering metering) {
        this.id = id;
        this.dir = dir;
        this.spec = spec;
        this.pkg = pkg;
        this.metering = metering;
        this.before = RunStatus.read(dir.status());
        try {
            this.notes = new PrintStream(new FileOutputStream(dir.runnerLog().toFile(), true), true);
            this.events = new EventLog(dir.events(), EventLog.configuredMaxBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run " + id + "'s logs in " + dir.dir(), e);
        }
    }

    /**
     * Loads and attaches the package, serves its metrics if the spec asks, and pins it when every attachment can be
     * pinned; or, with {@code adopt}, takes over the programs a previous daemon pinned. Returns the attach points. The
     * caller holds the host's load lock. A metrics failure fails a start (nothing stays loaded or served), but not an
     * adoption: those programs are attached already, and only their metrics are missing.
     */
    List<String> attach(boolean adopt, List<String> recordedAttachPoints) {
        try {
            if (pkg.isWasm()) {
                if (spec.metrics() != null) throw new RunException("metrics options apply to eBPF packages; " + pkg.name() + " is a WASM package");
                wasm = new WasmRunner();
                return List.of();
            }
            if (adopt) {
                bpf = SkeletonRunner.adopt(pkg.bpf(), pkg.name(), spec.runOptions(), dir.pinDirectory(), recordedAttachPoints);
                notes.println("ebpm: " + pkg.name() + " adopted from " + dir.pinDirectory() + " (" + recordedAttachPoints.size() + " programs attached)");
                meterAdopted();
                return recordedAttachPoints;
            }
            if (spec.metrics() != null) meter = metering.open(id, spec, pkg, notes); // first: a taken port fails before anything loads
            bpf = SkeletonRunner.start(pkg.bpf(), pkg.name(), spec.runOptions(), notes);
            pin();
            // last, as nothing after it may fail: it checks the counters' fields and the gauge maps against the object
            if (meter != null) bpf.observe(meter.observer());
            notes.println("ebpm: " + pkg.name() + " running (" + bpf.attachPoints().size() + " programs attached"
                    + (bpf.pinDirectory().isPresent() ? ", pinned in " + dir.pinDirectory() : "") + ")");
            return bpf.attachPoints();
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** An adopted run's metrics, as far as they can be served; a failure is noted and the run goes on without them. */
    private void meterAdopted() {
        if (spec.metrics() == null) return;
        try {
            meter = metering.open(id, spec, pkg, notes);
            bpf.observe(meter.observer());
        } catch (RuntimeException e) {
            notes.println("ebpm: adopted without its metrics: " + (e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " ")));
            closeMeter();
        }
    }

    /** Where the run's /metrics is served, if it is. */
    Optional<InetSocketAddress> metricsAddress() {
        RunMetering.Meter m = meter;
        return m == null ? Optional.empty() : m.address();
    }

    /** Pins when bpffs can hold every attachment; otherwise the run lives as long as the daemon (a tc filter). */
    private void pin() {
        if (!bpf.pinnable()) {
            notes.println("ebpm: not pinned (a tc filter cannot be): the programs detach if the daemon dies");
            return;
        }
        try {
            KernelSupport.ensureBpffs();
            bpf.pin(dir.pinDirectory());
        } catch (BpfException e) {
            notes.println("ebpm: not pinned: " + e.getMessage());
        }
    }

    boolean pinned() {
        SkeletonRunner r = bpf;
        return r != null && r.pinDirectory().isPresent();
    }

    /** Starts the thread that polls until the run ends; {@code ended} is told how it ended, unless it was asked to end. */
    void serve(java.util.function.BiConsumer<HostedRun, End> ended) {
        thread = new Thread(() -> {
            End end;
            try {
                end = new End(bpf != null ? runBpf() : runWasm(), null);
            } catch (RuntimeException e) {
                end = new End(1, e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " "));
            }
            if (ending == null) ended.accept(this, end);
        }, "run-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    private int runBpf() {
        bpf.run(events);
        return 0;
    }

    private int runWasm() {
        int code = wasm.run(pkg.wasm(), pkg.name(), spec.packageWords(), spec.wasmOptions()
                .withStdout(events).withStderr(notes).withNotes(notes).withStdin(InputStream.nullInputStream()));
        return ending != null && code == WasmRunner.EXIT_STOPPED ? 0 : code;
    }

    /** Asks the serving thread to end for {@code why} and waits for it (at most {@code millis}); true if it ended. */
    boolean end(Ending why, long millis) {
        ending = why;
        if (bpf != null) bpf.stop();
        if (wasm != null) wasm.stop();
        if (thread == null) return true;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Ends the run for good: removes its pins, detaches, releases everything, stops serving its metrics, closes its logs. */
    void close() {
        try {
            if (bpf != null) bpf.close();
        } finally {
            closeMeter();
            closeLogs();
        }
    }

    /**
     * Lets go of the run for the next daemon: the pinned programs stay attached (the runner is left open; its fds
     * close when this process exits, which detaches nothing pinned). Its metrics endpoint and logs are closed; the
     * next daemon serves the metrics again when it adopts the run.
     */
    void leaveAttached() {
        closeMeter();
        closeLogs();
    }

    private void closeMeter() {
        RunMetering.Meter m = meter;
        meter = null;
        if (m == null) return;
        try {
            m.close();
        } catch (RuntimeException e) {
            notes.println("ebpm: closing the metrics endpoint failed: " + e.getMessage());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            notes.println("ebpm: releasing what was loaded failed too: " + e.getMessage());
        }
    }

    private void closeLogs() {
        try {
            events.close();
        } catch (IOException e) {
            notes.println("ebpm: closing the event log failed: " + e.getMessage());
        }
        notes.close();
    }

    void note(String line) {
        notes.println("ebpm: " + line);
    }

    /** Counters for status.json: events printed and lost (a WASM guest's lines). */
    RunStatus status() {
        SkeletonRunner r = bpf;
        return r != null ? new RunStatus(before.events() + r.eventsSeen(), before.lost() + r.eventsLost(), Instant.now())
                : new RunStatus(before.events() + events.lines(), before.lost(), Instant.now());
    }
}
