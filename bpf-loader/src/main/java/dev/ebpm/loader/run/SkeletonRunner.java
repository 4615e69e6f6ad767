package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an eunomia package as ecli does: {@link SkeletonLoader} opens the object, fills its
 * variables and loads it; {@link ProgramAttacher} attaches every program; then {@link #run} polls
 * the ring/perf buffers ({@link EventPoller}) and prints sampled maps ({@link HistogramPrinter})
 * until stopped. Everything it acquires is released by {@link #close()}, in reverse order:
 * links, then readers and epoll, then the object.
 */
public final class SkeletonRunner implements AutoCloseable {
    private static final int DEFAULT_POLL_TIMEOUT_MS = 100;

    private final EunomiaPackage pkg;
    private final RunOptions options;
    private final TextSink sink = new TextSink();
    private BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    private List<HistogramPrinter> histograms = List.of();
    private EventPoller events;
    private volatile boolean stopping;

    private SkeletonRunner(EunomiaPackage pkg, RunOptions options) {
        this.pkg = pkg;
        this.options = options;
    }

    /**
     * Opens, loads and attaches; on any failure releases what it took and rethrows.
     *
     * @param name  the package's name, for messages and as the object name if package.json has none
     * @param notes where verbose notes go (a mounted tracefs)
     */
    public static SkeletonRunner start(PackageReader.Decoded decoded, String name, RunOptions options, PrintStream notes) {
        SkeletonRunner r = new SkeletonRunner(decoded.pkg(), options);
        try {
            SkeletonLoader.Loaded loaded = SkeletonLoader.load(decoded, name, options, notes);
            r.object = loaded.object();
            new ProgramAttacher(r.pkg, options, notes).attachAll(r.object, r.links);
            r.histograms = HistogramPrinter.forSampledMaps(r.object, r.pkg, loaded.btf(), name);
            r.events = EventPoller.open(r.object, r.pkg, loaded.btf(), options.mode(), r.sink, name);
            return r;
        } catch (RuntimeException e) {
            try {
                r.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Attach points, one per link: {@code kill_entry -> tracepoint/syscalls/sys_enter_kill}. */
    public List<String> attachPoints() {
        return links.stream().map(BpfLink::description).toList();
    }

    /** Events printed so far; callable from any thread, and after close. */
    public long eventsSeen() {
        return events.eventsSeen();
    }

    /** Events the kernel dropped because a buffer was full; callable from any thread, and after close. */
    public long eventsLost() {
        return events.eventsLost();
    }

    /** Polls and prints until {@link #stop()} is called or the duration passes. */
    public void run(OutputStream out) {
        // the table has its header unless the package says print_header: false; JSON lines never do
        if (options.mode() == EventFormatter.Mode.TABLE && !Boolean.FALSE.equals(pkg.meta.printHeader)) events.header(sink);
        if (sink.length() > 0) sink.writeTo(out);
        int timeout = pkg.meta.pollTimeoutMs != null && pkg.meta.pollTimeoutMs > 0 ? pkg.meta.pollTimeoutMs : DEFAULT_POLL_TIMEOUT_MS;
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        long now = System.nanoTime();
        for (HistogramPrinter h : histograms) h.schedule(now);
        while (!stopping && System.nanoTime() < deadline) {
            long wait = Math.min(timeout, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            for (HistogramPrinter h : histograms) wait = Math.min(wait, h.millisUntilDue(System.nanoTime()));
            events.await((int) Math.max(0, wait));
            events.drain();
            now = System.nanoTime();
            for (HistogramPrinter h : histograms) {
                if (h.due(now)) h.print(sink, options.mode());
            }
            if (sink.length() > 0) sink.writeTo(out);
        }
        events.drain();
        for (HistogramPrinter h : histograms) h.print(sink, options.mode());
        if (sink.length() > 0) sink.writeTo(out);
    }

    /** Asks {@link #run} to return; callable from any thread (a signal handler, a stop request), even after close. */
    public void stop() {
        stopping = true;
        EventPoller e = events;
        if (e != null) e.wake();
    }

    /**
     * Releases in reverse order of creation: links (detaching tc filters and XDP), readers and epoll,
     * then the object. Everything is released even when a step fails; the first failure is rethrown.
     */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (int i = links.size() - 1; i >= 0; i--) failure = release(failure, links.get(i)::close);
        links.clear();
        if (events != null) failure = release(failure, events::close);
        if (object != null) {
            failure = release(failure, object::close);
            object = null;
        }
        if (failure != null) throw failure;
    }

    private static RuntimeException release(RuntimeException failure, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            if (failure == null) return e;
            failure.addSuppressed(e);
        }
        return failure;
    }
}
