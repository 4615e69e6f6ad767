package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.internal.Epoll;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.perf.PerfBufferReader;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of a loaded package: a reader on every ring buffer and perf buffer map, one epoll
 * set over them (woken by {@link #wake()} from any thread), and the formatter that turns each
 * record into a line of the sink. Counts the events it delivered and those the kernel dropped.
 */
final class EventPoller implements AutoCloseable {
    private static final int DEFAULT_PERF_PAGES = 64;

    private final List<RingBufferReader> ringBuffers = new ArrayList<>();
    private final List<PerfBufferReader> perfBuffers = new ArrayList<>();
    private final Epoll epoll;
    private final EventFormatter formatter; // null when the object streams no events
    private final AtomicLong events = new AtomicLong(); // read by other threads (status publisher)
    private final AtomicLong lost = new AtomicLong();
    private final RecordHandler handler;
    private RunObserver observer; // null unless a host follows the run; set before the first drain
    private boolean closed;

    private EventPoller(Epoll epoll, EventFormatter formatter, TextSink sink) {
        this.epoll = epoll;
        this.formatter = formatter;
        this.handler = new RecordHandler() {
            @Override
            public void onRecord(ByteBuffer buffer, int offset, int length) {
                formatter.format(buffer, offset, length, sink);
                RunObserver o = observer;
                if (o != null) o.event(buffer, offset, length);
            }

            @Override
            public void onLost(long count) {
                lost.addAndGet(count);
            }
        };
    }

    /** Opens a reader per ring and perf buffer map in {@code maps}; events are decoded by the package's first export type. */
    static EventPoller open(List<BpfMap> maps, EunomiaPackage pkg, Optional<Btf> btf, EventFormatter.Mode mode, TextSink sink, String name) {
        List<BpfMap> streams = new ArrayList<>();
        for (BpfMap m : maps) {
            if (m.type() == BpfMap.TYPE_RINGBUF || m.type() == BpfMap.TYPE_PERF_EVENT_ARRAY) streams.add(m);
        }
        List<EunomiaPackage.ExportType> exportTypes = SkeletonLoader.orEmpty(pkg.meta.exportTypes);
        if (!streams.isEmpty() && exportTypes.isEmpty()) {
            throw new BpfException(name + ": map '" + streams.get(0).name() + "' streams events but package.json has no export_types to decode them");
        }
        EventFormatter formatter = streams.isEmpty() ? null : new EventFormatter(BtfLayouts.exportType(exportTypes.get(0), btf), mode);
        Epoll epoll;
        try {
            epoll = new Epoll();
        } catch (NativeException e) {
            throw new BpfException("cannot create the epoll set to wait for events: " + e.getMessage(), null, e.errno());
        }
        EventPoller poller = new EventPoller(epoll, formatter, sink);
        try {
            int pages = pkg.meta.perfBufferPages != null ? pkg.meta.perfBufferPages : DEFAULT_PERF_PAGES;
            for (BpfMap m : streams) {
                if (m.type() == BpfMap.TYPE_RINGBUF) {
                    RingBufferReader r = new RingBufferReader(m);
                    poller.ringBuffers.add(r);
                    poller.watch(r.fd());
                } else {
                    PerfBufferReader r = new PerfBufferReader(m, pages);
                    poller.perfBuffers.add(r);
                    for (int fd : r.fds()) poller.watch(fd);
                }
            }
            return poller;
        } catch (RuntimeException e) {
            poller.close();
            throw e;
        }
    }

    void observe(RunObserver o) {
        observer = o;
    }

    /** Whether the object has ring or perf buffer maps (and so prints events). */
    boolean hasEventMaps() {
        return formatter != null;
    }

    /** The decoder of this object's events, or null when it has none. */
    EventFormatter formatter() {
        return formatter;
    }

    void watch(int fd) {
        try {
            epoll.add(fd);
        } catch (NativeException e) {
            throw new BpfException("cannot watch event buffer fd " + fd + ": " + e.getMessage(), null, e.errno());
        }
    }

    /** The table header, if this object has events to print. */
    void header(TextSink sink) {
        if (formatter != null) formatter.header(sink);
    }

    /** Waits until a buffer has data, the timeout passes or {@link #wake()} is called. */
    void await(int timeoutMs) {
        try {
            epoll.await(timeoutMs);
        } catch (NativeException e) {
            throw new BpfException("waiting for events failed: " + e.getMessage(), null, e.errno());
        }
    }

    /** Formats every available record into the sink; the count is published once per drain, not per event. */
    void drain() {
        long n = 0;
        for (RingBufferReader r : ringBuffers) n += r.drain(handler);
        for (PerfBufferReader r : perfBuffers) n += r.drain(handler);
        if (n > 0) events.addAndGet(n);
    }

    /** From any thread; a no-op once closed. */
    void wake() {
        epoll.wake();
    }

    long eventsSeen() {
        return events.get();
    }

    long eventsLost() {
        return lost.get();
    }

    /** Readers first (munmap, perf fds), then the epoll set; the counts stay readable. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ringBuffers.forEach(RingBufferReader::close);
        perfBuffers.forEach(PerfBufferReader::close);
        epoll.close();
    }
}
