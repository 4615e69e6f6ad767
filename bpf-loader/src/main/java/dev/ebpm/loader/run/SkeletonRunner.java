package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.trace.PrintkStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs an eunomia package as ecli does: {@link SkeletonLoader} opens the object, fills its
 * variables and loads it; {@link ProgramAttacher} attaches every program; then {@link #run} polls
 * the ring/perf buffers ({@link EventPoller}), prints sampled maps ({@link HistogramSampler},
 * {@link HistogramPrinter}) and bpf_printk lines ({@link PrintkStream}) until stopped. A
 * {@link RunObserver} may follow it. Everything it acquires is released by {@link #close()}, in
 * reverse order: links, then the printk stream, readers and epoll, then the object.
 */
public final class SkeletonRunner implements AutoCloseable {
    private static final int DEFAULT_POLL_TIMEOUT_MS = 100;

    private final EunomiaPackage pkg;
    private final String name;
    private final RunOptions options;
    private final TextSink sink = new TextSink();
    private BpfObject object;
    private Optional<Btf> btf = Optional.empty();
    private final List<BpfLink> links = new ArrayList<>();
    private List<HistogramSampler> histograms = List.of();
    private EventPoller events;
    private PrintkStream printk;
    private RunObserver observer;
    private volatile boolean stopping;

    private SkeletonRunner(EunomiaPackage pkg, String name, RunOptions options) {
        this.pkg = pkg;
        this.name = name;
        this.options = options;
    }

    /**
     * Opens, loads and attaches; on any failure releases what it took and rethrows.
     *
     * @param name  the package's name, for messages and as the object name if package.json has none
     * @param notes where notes go: a mounted tracefs (verbose), where bpf_printk lines come from
     */
    public static SkeletonRunner start(PackageReader.Decoded decoded, String name, RunOptions options, PrintStream notes) {
        SkeletonRunner r = new SkeletonRunner(decoded.pkg(), name, options);
        try {
            SkeletonLoader.Loaded loaded = SkeletonLoader.load(decoded, name, options);
            r.object = loaded.object();
            r.btf = loaded.btf();
            new ProgramAttacher(r.pkg, options, notes).attachAll(r.object, r.links);
            r.histograms = HistogramSampler.forSampledMaps(r.object, r.pkg, loaded.btf(), name);
            r.events = EventPoller.open(r.object, r.pkg, loaded.btf(), options.mode(), r.sink, name);
            boolean printk = switch (options.printk()) {
                case SHOW -> true;
                case HIDE -> false;
                case AUTO -> !r.events.hasEventMaps() && r.histograms.isEmpty(); // nothing else to show
            };
            if (printk) r.openPrintk(notes);
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

    private void openPrintk(PrintStream notes) {
        printk = PrintkStream.open();
        events.watch(printk.fd());
        List<String> others = printk.sharedWith();
        notes.println("ebpm: showing bpf_printk output, marked bpf_printk"
                + (others.isEmpty() ? "" : "; the stream is shared with other tracers (" + String.join(", ", others) + "): every BPF program's bpf_printk lines show in each"));
    }

    /** Follows this run from now on: {@link RunObserver#started} at once (it may refuse the run), then the rest. Call before {@link #run}. */
    public void observe(RunObserver o) {
        o.started(this);
        observer = o;
        events.observe(o);
    }

    /** The package's name as the run was started with. */
    public String name() {
        return name;
    }

    /** The loaded object: its programs and maps. Valid until {@link #close()}. */
    public BpfObject object() {
        return object;
    }

    /** The object's BTF, which map key and value layouts come from. */
    public Optional<Btf> btf() {
        return btf;
    }

    /** The decoder of the package's events, or empty when it has no ring or perf buffer. */
    public Optional<EventFormatter> eventFormatter() {
        return Optional.ofNullable(events.formatter());
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
        try {
            loop(out);
        } finally {
            if (observer != null) observer.stopped();
        }
    }

    private void loop(OutputStream out) {
        // the table has its header unless the package says print_header: false; JSON lines never do
        if (options.mode() == EventFormatter.Mode.TABLE && !Boolean.FALSE.equals(pkg.meta.printHeader)) events.header(sink);
        if (sink.length() > 0) sink.writeTo(out);
        int timeout = pkg.meta.pollTimeoutMs != null && pkg.meta.pollTimeoutMs > 0 ? pkg.meta.pollTimeoutMs : DEFAULT_POLL_TIMEOUT_MS;
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        long now = System.nanoTime();
        for (HistogramSampler h : histograms) h.schedule(now);
        while (!stopping && System.nanoTime() < deadline) {
            long wait = Math.min(timeout, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            for (HistogramSampler h : histograms) wait = Math.min(wait, h.millisUntilDue(System.nanoTime()));
            events.await((int) Math.max(0, wait));
            events.drain();
            if (printk != null) printk.drain(sink, options.mode() == EventFormatter.Mode.JSON);
            now = System.nanoTime();
            for (HistogramSampler h : histograms) {
                if (h.due(now)) sample(h);
            }
            if (sink.length() > 0) sink.writeTo(out);
        }
        events.drain();
        if (printk != null) printk.drain(sink, options.mode() == EventFormatter.Mode.JSON);
        for (HistogramSampler h : histograms) sample(h);
        if (sink.length() > 0) sink.writeTo(out);
    }

    private void sample(HistogramSampler h) {
        HistogramSample s = h.sample();
        if (options.mode() == EventFormatter.Mode.JSON) HistogramPrinter.json(s, sink);
        else HistogramPrinter.text(s, sink);
        if (observer != null) observer.histogram(s);
    }

    /** Asks {@link #run} to return; callable from any thread (a signal handler, a stop request), even after close. */
    public void stop() {
        stopping = true;
        EventPoller e = events;
        if (e != null) e.wake();
    }

    /**
     * Releases in reverse order of creation: links (detaching tc filters and XDP), the printk stream, readers and
     * epoll, then the object. Everything is released even when a step fails; the first failure is rethrown.
     */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (int i = links.size() - 1; i >= 0; i--) failure = release(failure, links.get(i)::close);
        links.clear();
        if (printk != null) failure = release(failure, printk::close);
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
