package dev.ebpm.loader.wasm;

import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Epoll;
import dev.ebpm.loader.perf.PerfBufferReader;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import java.nio.ByteBuffer;

/** A ring or perf buffer of a guest's object, opened by its first poll, with its own wake-up set. */
final class EventBuffer implements AutoCloseable {
    static final int PERF_BUFFER_PAGES = 64; // as wasm-bpf

    private final RingBufferReader ring;
    private final PerfBufferReader perf;
    private final Epoll epoll;
    private boolean closed;

    private EventBuffer(RingBufferReader ring, PerfBufferReader perf, Epoll epoll) {
        this.ring = ring;
        this.perf = perf;
        this.epoll = epoll;
    }

    static boolean supports(BpfMap map) {
        return map.type() == BpfMap.TYPE_RINGBUF || map.type() == BpfMap.TYPE_PERF_EVENT_ARRAY;
    }

    static EventBuffer open(BpfMap map) {
        Epoll epoll = new Epoll();
        try {
            if (map.type() == BpfMap.TYPE_RINGBUF) {
                RingBufferReader r = new RingBufferReader(map);
                epoll.add(r.fd());
                return new EventBuffer(r, null, epoll);
            }
            PerfBufferReader p = new PerfBufferReader(map, PERF_BUFFER_PAGES);
            try {
                for (int fd : p.fds()) epoll.add(fd);
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            return new EventBuffer(null, p, epoll);
        } catch (RuntimeException e) {
            epoll.close();
            throw e;
        }
    }

    /**
     * Hands records to the handler until it returns false (ring buffers stop there, as libbpf does
     * on a negative callback result; perf buffer callbacks return nothing in libbpf, so a perf
     * buffer always hands over everything).
     */
    int drain(RingBufferReader.StoppableHandler handler) {
        if (ring != null) return ring.drainWhile(handler);
        return perf.drain(new RecordHandler() {
            @Override
            public void onRecord(ByteBuffer buffer, int offset, int length) {
                handler.onRecord(buffer, offset, length);
            }
        });
    }

    void await(int timeoutMs) {
        epoll.await(timeoutMs);
    }

    /** From any thread; a no-op once closed, so the eventfd number is never written after reuse. */
    synchronized void wake() {
        if (!closed) epoll.wake();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (ring != null) ring.close();
        if (perf != null) perf.close();
        epoll.close();
    }
}
