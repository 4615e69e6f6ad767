package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.PinnedMap;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.IOException;
import dev.ebpm.loader.trace.PrintkStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs an eunomia package as ecli does: {@link SkeletonLoader} opens the object, fills its
 * variables and loads it; {@link ProgramAttacher} attaches every program; then {@link #run} polls
 * the ring/perf buffers ({@link EventPoller}), prints sampled maps ({@link HistogramSampler},
 * {@link HistogramPrinter}) and bpf_printk lines ({@link PrintkStream}) until stopped. A
 * {@link RunObserver} may follow it. Everything it acquires is released by {@link #close()}, in
 * reverse order: links, then the printk stream, readers and epoll, then the object.
 *
 * <p>A run can outlive its process: {@link #pin} pins its programs, maps and links in a bpffs directory
 * ({@code progs/NAME}, {@code maps/NAME} with dots made underscores, {@code links/N}), and a runner left open when the process exits keeps them
 * attached; {@link #adopt} takes such a run over again in another process (its readers re-opened on the pinned maps),
 * and {@link #close()} ends it for good: it removes the pins, then releases everything.
 */
public final class SkeletonRunner implements AutoCloseable {
    private static final int DEFAULT_POLL_TIMEOUT_MS = 100;
    private static final String PROGS = "progs", MAPS = "maps", LINKS = "links";

    private final EunomiaPackage pkg;
    private final String name;
    private final RunOptions options;
    private final TextSink sink = new TextSink();
    private BpfObject object;
    private final List<PinnedMap> pinnedMaps = new ArrayList<>();
    private Optional<Btf> btf = Optional.empty();
    private final List<BpfLink> links = new ArrayList<>();
    private List<HistogramSampler> histograms = List.of();
    private EventPoller events;
    private Path pins;
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
            SkeletonLoader.Loaded loaded = SkeletonLoader.load(decoded, name, options, notes);
            r.object = loaded.object();
            r.btf = loaded.btf();
            new ProgramAttacher(r.pkg, options, notes).attachAll(r.object, r.links);
            r.openReaders(r.object.maps(), loaded.btf(), name);
            boolean printk = switch (options.printk()) {
                case SHOW -> true;
                case HIDE -> false;
                case AUTO -> !r.events.hasEventMaps() && r.histograms.isEmpty(); // nothing else to show
            };
            if (printk) r.openPrintk(notes);
            return r;
        } catch (RuntimeException e) {
            throw r.closeAfter(e);
        }
    }

    /**
     * Takes over a run that {@link #pin} left in {@code dir} (another process's, maybe one that died): opens its pinned
     * links and maps, and event readers on those maps, so events flow again from where the kernel buffered them. The
     * layouts come from the same package, which is opened but not loaded.
     *
     * @param attachPoints what the links were called when they were made, in pin order
     * @throws BpfException when the pins are incomplete (fewer links than attach points) or unreadable
     */
    public static SkeletonRunner adopt(PackageReader.Decoded decoded, String name, RunOptions options, Path dir, List<String> attachPoints) {
        SkeletonRunner r = new SkeletonRunner(decoded.pkg(), name, options);
        try {
            Optional<Btf> btf = SkeletonLoader.btf(decoded, name, options);
            List<Path> linkPins = pinsIn(dir.resolve(LINKS));
            if (linkPins.size() != attachPoints.size()) {
                throw new BpfException(name + ": " + dir + " holds " + linkPins.size() + " pinned links, the run had " + attachPoints.size());
            }
            for (int i = 0; i < linkPins.size(); i++) r.links.add(BpfLink.openPinned(linkPins.get(i), attachPoints.get(i)));
            List<BpfMap> maps = new ArrayList<>();
            for (Path p : pinsIn(dir.resolve(MAPS))) {
                PinnedMap m = PinnedMap.open(p);
                r.pinnedMaps.add(m);
                maps.add(m.map());
            }
            r.pins = dir;
            r.btf = btf;
            r.openReaders(maps, btf, name);
            return r;
        } catch (RuntimeException e) {
            r.pins = null; // a failed adoption leaves the pins for whoever decides about them
            throw r.closeAfter(e);
        }
    }

    private void openReaders(List<BpfMap> maps, Optional<Btf> btf, String name) {
        histograms = HistogramSampler.forSampledMaps(maps, pkg, btf, name);
        events = EventPoller.open(maps, pkg, btf, options.mode(), sink, name);
    }

    private RuntimeException closeAfter(RuntimeException e) {
        try {
            close();
        } catch (RuntimeException closing) {
            e.addSuppressed(closing);
        }
        return e;
    }

    /** Pins in {@code dir}, in the order of their numeric names (links/0, links/1, ...) or by name. */
    private static List<Path> pinsIn(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().length()).thenComparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new BpfException("cannot list the pins in " + dir + ": " + e.getMessage());
        }
    }

    /** Whether {@link #pin} can keep every attachment: each is a kernel link (a tc filter is not). */
    public boolean pinnable() {
        return object != null && links.stream().allMatch(BpfLink::pinnable);
    }

    /**
     * Pins the programs, maps and links in {@code dir} (created; it must be in bpffs), so they outlive this process.
     * On failure nothing stays pinned and the run goes on unpinned.
     */
    public void pin(Path dir) {
        if (object == null) throw new IllegalStateException("only a run started here can be pinned");
        try {
            Files.createDirectories(dir.resolve(PROGS));
            Files.createDirectories(dir.resolve(MAPS));
            Files.createDirectories(dir.resolve(LINKS));
            for (BpfProgram p : object.programs()) if (p.fd() >= 0) p.pin(dir.resolve(PROGS).resolve(pinName(p.name())));
            for (BpfMap m : object.maps()) m.pin(dir.resolve(MAPS).resolve(pinName(m.name())));
            for (int i = 0; i < links.size(); i++) links.get(i).pin(dir.resolve(LINKS).resolve(Integer.toString(i)));
            pins = dir;
        } catch (IOException | RuntimeException e) {
            removePins(dir);
            if (e instanceof RuntimeException r) throw r;
            throw new BpfException("cannot create " + dir + " in bpffs: " + e.getMessage());
        }
    }

    /** bpffs refuses dots in names (they are kept for its own files): "sigsnoo.rodata" is pinned as "sigsnoo_rodata". */
    private static String pinName(String name) {
        return name.replace('.', '_');
    }

    /** Where this run is pinned, if it is. */
    public Optional<Path> pinDirectory() {
        return Optional.ofNullable(pins);
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

    /** The loaded object: its programs and maps. Valid until {@link #close()}; null for an adopted run (its maps are pinned ones). */
    public BpfObject object() {
        return object;
    }

    /** The run's maps: the loaded object's, or an adopted run's pinned ones. Valid until {@link #close()}. */
    public List<BpfMap> maps() {
        return object != null ? object.maps() : pinnedMaps.stream().map(PinnedMap::map).toList();
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
        return events == null ? 0 : events.eventsSeen();
    }

    /** Events the kernel dropped because a buffer was full; callable from any thread, and after close. */
    public long eventsLost() {
        return events == null ? 0 : events.eventsLost();
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
     * Ends the run: removes its pins, if any, then releases in reverse order of creation: links (detaching tc
     * filters and XDP), the printk stream, readers and epoll, then the object or the pinned maps. Everything is
     * released even when a step fails; the first failure is rethrown.
     */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        if (pins != null) {
            Path dir = pins;
            failure = release(failure, () -> removePins(dir));
            pins = null;
        }
        for (int i = links.size() - 1; i >= 0; i--) failure = release(failure, links.get(i)::close);
        links.clear();
        if (printk != null) failure = release(failure, printk::close);
        if (events != null) failure = release(failure, events::close);
        for (PinnedMap m : pinnedMaps) failure = release(failure, m::close);
        pinnedMaps.clear();
        if (object != null) {
            failure = release(failure, object::close);
            object = null;
        }
        if (failure != null) throw failure;
    }

    /** Deletes a pin directory: removing a pin's file unpins it; what no fd holds any more is freed. */
    static void removePins(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            throw new BpfException("cannot remove the pins in " + dir + ": " + e.getMessage());
        }
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
