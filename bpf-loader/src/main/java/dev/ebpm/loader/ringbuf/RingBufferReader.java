package dev.ebpm.loader.ringbuf;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Mmap;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.SharedMemory;
import java.nio.ByteBuffer;

/**
 * Reads a BPF ring buffer (BPF_MAP_TYPE_RINGBUF) from its memory-mapped pages, in Java, with no
 * native call per record, as cilium/ebpf does in Go. Layout (kernel/bpf/ringbuf.c): page 0 holds
 * the consumer position (read-write for us); then, read-only, a page with the producer position and
 * the data area, mapped twice in a row so that no record wraps. Each record has an 8-byte header:
 * length with BUSY (bit 31) and DISCARD (bit 30) flags, then the page offset.
 *
 * <p>A drain after {@link #close()}, or after the map's object was closed, throws
 * {@link IllegalStateException}: it is checked once per drain, not per record.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int HEADER_SIZE = 8;
    private static final SharedMemory MEMORY = SharedMemory.get();

    private final BpfMap map;
    private final int fd;
    private final Mmap consumerPage;
    private final Mmap producerPages;
    private final ByteBuffer data;
    private final long consumerAddress;
    private final long producerAddress;
    private final long dataAddress;
    private final int dataStart;
    private final long mask;
    private boolean closed;

    public RingBufferReader(BpfMap map) {
        if (map.type() != BpfMap.TYPE_RINGBUF) throw new BpfException("map '" + map.name() + "' is not a ring buffer");
        this.map = map;
        this.fd = map.fd();
        int maxEntries = map.maxEntries();
        int page = Mmap.pageSize();
        this.consumerPage = map(fd, page, true, 0, "consumer page");
        try {
            this.producerPages = map(fd, page + 2L * maxEntries, false, page, "data");
        } catch (BpfException e) {
            consumerPage.close();
            throw e;
        }
        this.data = producerPages.buffer();
        this.consumerAddress = consumerPage.address();
        this.producerAddress = producerPages.address();
        this.dataAddress = producerPages.address() + page;
        this.dataStart = page;
        this.mask = maxEntries - 1L;
    }

    private Mmap map(int fd, long length, boolean writable, long offset, String what) {
        try {
            return Mmap.map(fd, length, writable, offset);
        } catch (NativeException e) {
            throw new BpfException("cannot mmap ring buffer '" + map.name() + "' " + what + ": " + e.getMessage(), null, e.errno());
        } catch (IllegalArgumentException e) {
            throw new BpfException("ring buffer '" + map.name() + "' " + what + ": " + e.getMessage());
        }
    }

    /** The map's fd, to watch with epoll. */
    public int fd() {
        return fd;
    }

    /** Hands every committed record to the handler; returns how many it delivered. */
    public int drain(RecordHandler handler) {
        return drainWhile((buffer, offset, length) -> {
            handler.onRecord(buffer, offset, length);
            return true;
        });
    }

    /** Receives one record; returning false stops the drain after it (libbpf: a negative callback result). */
    @FunctionalInterface
    public interface StoppableHandler {
        boolean onRecord(ByteBuffer buffer, int offset, int length);
    }

    /**
     * Like {@link #drain} but stops after the record for which the handler returns false; that
     * record is consumed, the rest stay for the next call.
     */
    public int drainWhile(StoppableHandler handler) {
        if (closed) throw new IllegalStateException("the ring buffer reader of map '" + map.name() + "' was used after it was closed");
        map.checkOpen();
        // Positions and headers are read with acquire semantics through Unsafe on the mapping's
        // address: the ByteBuffer VarHandles do the same but pay bounds and alignment checks per
        // record, which costs a quarter of the throughput at hundreds of millions of records/s.
        int delivered = 0;
        long cons = MEMORY.getLongAcquire(consumerAddress);
        boolean progress = true;
        while (progress) {
            progress = false;
            long prod = MEMORY.getLongAcquire(producerAddress);
            while (cons < prod) {
                int at = (int) (cons & mask);
                int len = MEMORY.getIntAcquire(dataAddress + at);
                if ((len & BUSY_BIT) != 0) {
                    MEMORY.putLongRelease(consumerAddress, cons);
                    return delivered;
                }
                progress = true;
                int size = len & ~(BUSY_BIT | DISCARD_BIT);
                cons += (size + HEADER_SIZE + 7) & ~7L;
                if ((len & DISCARD_BIT) == 0) {
                    delivered++;
                    boolean more;
                    try {
                        more = handler.onRecord(data, dataStart + at + HEADER_SIZE, size);
                    } catch (RuntimeException | Error e) {
                        MEMORY.putLongRelease(consumerAddress, cons);
                        throw e;
                    }
                    if (!more) {
                        MEMORY.putLongRelease(consumerAddress, cons);
                        return delivered;
                    }
                }
            }
            // publishing the consumer position once per batch frees the same space as libbpf's
            // per-record store, a few hundred records later at most
            MEMORY.putLongRelease(consumerAddress, cons);
        }
        return delivered;
    }

    /** Unmaps the buffer; a second close does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        producerPages.close();
        consumerPage.close();
    }
}
