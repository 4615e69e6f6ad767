package dev.ebpm.loader.wasm;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Epoll;
import dev.ebpm.loader.internal.NativeException;
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
        Epoll epoll;
        try {
            epoll = new Epoll();
        } catch (NativeException e) {
            throw failure(map, e);
        }
        RingBufferReader ring = null;
        PerfBufferReader perf = null;
        try {
            if (map.type() == BpfMap.TYPE_RINGBUF) {
                ring = new RingBufferReader(map);
                epoll.add(ring.fd());
            } else {
                perf = new PerfBufferReader(map, PERF_BUFFER_PAGES);
                for (int fd : perf.fds()) epoll.add(fd);
            }
            return new EventBuffer(ring, perf, epoll);
        } catch (RuntimeException e) {
            if (ring != null) ring.close();
            if (perf != null) perf.close();
            epoll.close();
            throw e instanceof NativeException n ? failure(map, n) : e;
        }
    }

    private static BpfException failure(BpfMap map, NativeException e) {
        return new BpfException("cannot wait for events of map '" + map.name() + "': " + e.getMessage(), null, e.errno());
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
        try {
            epoll.await(timeoutMs);
        } catch (NativeException e) {
            throw new BpfException("waiting for events failed: " + e.getMessage(), null, e.errno());
        }
    }

    /** From any thread; a no-op once closed (the epoll set's own guarantee). */
    void wake() {
        epoll.wake();
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
