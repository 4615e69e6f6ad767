package dev.ebpm.loader.ringbuf;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Mmap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a BPF ring buffer (BPF_MAP_TYPE_RINGBUF) from its memory-mapped pages, in Java, with no
 * native call per record, as cilium/ebpf does in Go. Layout (kernel/bpf/ringbuf.c): page 0 holds
 * the consumer position (read-write for us); then, read-only, a page with the producer position and
 * the data area, mapped twice in a row so that no record wraps. Each record has an 8-byte header:
 * length with BUSY (bit 31) and DISCARD (bit 30) flags, then the page offset.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int HEADER_SIZE = 8;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final String name;
    private final int fd;
    private final Mmap consumerPage;
    private final Mmap producerPages;
    private final ByteBuffer consumer;
    private final ByteBuffer data;
    private final int dataStart;
    private final long mask;

    public RingBufferReader(BpfMap map) {
        this(map.fd(), map.maxEntries(), map.name());
        if (map.type() != BpfMap.TYPE_RINGBUF) throw new BpfException("map '" + map.name() + "' is not a ring buffer");
    }

    public RingBufferReader(int fd, int maxEntries, String name) {
        this.name = name;
        this.fd = fd;
        int page = Mmap.pageSize();
        this.consumerPage = Mmap.map(fd, page, Mmap.PROT_READ | Mmap.PROT_WRITE, 0, "ring buffer '" + name + "' consumer page");
        this.producerPages = Mmap.map(fd, page + 2L * maxEntries, Mmap.PROT_READ, page, "ring buffer '" + name + "' data");
        this.consumer = consumerPage.buffer();
        this.data = producerPages.buffer();
        this.dataStart = page;
        this.mask = maxEntries - 1L;
    }

    public int fd() {
        return fd;
    }

    public String name() {
        return name;
    }

    /** Hands every committed record to the handler; returns how many it delivered. */
    public int drain(RecordHandler handler) {
        int delivered = 0;
        long cons = (long) LONGS.getAcquire(consumer, 0);
        boolean progress = true;
        while (progress) {
            progress = false;
            long prod = (long) LONGS.getAcquire(data, 0);
            while (cons < prod) {
                int at = dataStart + (int) (cons & mask);
                int len = (int) INTS.getAcquire(data, at);
                if ((len & BUSY_BIT) != 0) {
                    LONGS.setRelease(consumer, 0, cons);
                    return delivered;
                }
                progress = true;
                int size = len & ~(BUSY_BIT | DISCARD_BIT);
                cons += (size + HEADER_SIZE + 7) & ~7L;
                if ((len & DISCARD_BIT) == 0) {
                    handler.onRecord(data, at + HEADER_SIZE, size);
                    delivered++;
                }
                LONGS.setRelease(consumer, 0, cons);
            }
        }
        return delivered;
    }

    @Override
    public void close() {
        producerPages.close();
        consumerPage.close();
    }
}
