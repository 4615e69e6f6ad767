package dev.ebpm.loader.perf;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Mmap;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.PerfEvent;
import dev.ebpm.loader.internal.SharedMemory;
import dev.ebpm.loader.internal.StructLayouts.PerfEventMmapPage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one BPF-output perf event per online CPU, each with its
 * own mmap'd ring, read in Java (perf_event_mmap_page: data_head/data_tail, then the data pages).
 * Records that wrap around the end of a ring are copied once into a scratch buffer.
 *
 * <p>A drain after {@link #close()}, or after the map's object was closed, throws
 * {@link IllegalStateException}: it is checked once per drain, not per record.
 */
public final class PerfBufferReader implements AutoCloseable {
    private static final int PERF_RECORD_LOST = 2, PERF_RECORD_SAMPLE = 9;
    private static final SharedMemory MEMORY = SharedMemory.get();

    private final BpfMap map;
    private final List<CpuRing> rings = new ArrayList<>();
    private final ByteBuffer scratch;
    private boolean closed;

    private static final class CpuRing {
        final PerfEvent event;
        final Mmap mmap;
        final ByteBuffer buf;
        final long headAddress;
        final long tailAddress;
        final long dataAddress;
        final int dataOffset;
        final int dataSize;

        CpuRing(PerfEvent event, Mmap mmap, int dataOffset, int dataSize) {
            this.event = event;
            this.mmap = mmap;
            this.buf = mmap.buffer();
            this.headAddress = mmap.address() + PerfEventMmapPage.DATA_HEAD;
            this.tailAddress = mmap.address() + PerfEventMmapPage.DATA_TAIL;
            this.dataAddress = mmap.address() + dataOffset;
            this.dataOffset = dataOffset;
            this.dataSize = dataSize;
        }

        void close() {
            mmap.close();
            event.close();
        }
    }

    public PerfBufferReader(BpfMap map, int pagesPerCpu) {
        if (map.type() != BpfMap.TYPE_PERF_EVENT_ARRAY) throw new BpfException("map '" + map.name() + "' is not a perf event array");
        if (Integer.bitCount(pagesPerCpu) != 1) throw new BpfException("perf_buffer_pages must be a power of two, not " + pagesPerCpu);
        this.map = map;
        int page = Mmap.pageSize();
        int dataSize = page * pagesPerCpu;
        this.scratch = ByteBuffer.allocateDirect(dataSize).order(ByteOrder.nativeOrder());
        try {
            for (int cpu : KernelSupport.onlineCpus()) {
                if (cpu >= map.maxEntries()) break;
                CpuRing ring = openRing(cpu, page, dataSize);
                rings.add(ring);
                map.update(intBytes(cpu), intBytes(ring.event.fd()), BpfMap.BPF_ANY); // where bpf_perf_event_output writes on that CPU
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private CpuRing openRing(int cpu, int page, int dataSize) {
        String what = "perf buffer '" + map.name() + "' on CPU " + cpu;
        PerfEvent event;
        try {
            event = PerfEvent.openBpfOutput(cpu);
        } catch (NativeException e) {
            throw new BpfException("cannot open the perf event of " + what + ": " + e.getMessage(), null, e.errno());
        }
        Mmap mmap;
        try {
            mmap = Mmap.map(event.fd(), (long) page + dataSize, true, 0);
        } catch (NativeException | IllegalArgumentException e) {
            event.close();
            throw new BpfException("cannot mmap " + what + ": " + e.getMessage(), null, e instanceof NativeException n ? n.errno() : 0);
        }
        CpuRing ring = new CpuRing(event, mmap, page, dataSize);
        try {
            event.enable();
        } catch (NativeException e) {
            ring.close();
            throw new BpfException("cannot enable the perf event of " + what + ": " + e.getMessage(), null, e.errno());
        }
        return ring;
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** File descriptors to watch with epoll. */
    public int[] fds() {
        return rings.stream().mapToInt(r -> r.event.fd()).toArray();
    }

    /** Hands every available sample of every CPU to the handler; returns how many it delivered. */
    public int drain(RecordHandler handler) {
        if (closed) throw new IllegalStateException("the perf buffer reader of map '" + map.name() + "' was used after it was closed");
        map.checkOpen();
        int delivered = 0;
        for (CpuRing r : rings) delivered += drain(r, handler);
        return delivered;
    }

    private int drain(CpuRing r, RecordHandler handler) {
        // As in RingBufferReader: head, tail and record headers through Unsafe on the mapping's
        // address (acquire on data_head, release on data_tail), not ByteBuffer views.
        long head = MEMORY.getLongAcquire(r.headAddress);
        long tail = MEMORY.getLong(r.tailAddress);
        int delivered = 0;
        long mask = r.dataSize - 1L;
        while (tail < head) {
            int at = (int) (tail & mask);
            // the 8-byte header never wraps: records are 8-byte aligned and the ring is a power of two
            long header = MEMORY.getLong(r.dataAddress + at); // u32 type, u16 misc, u16 size: one load (little-endian hosts)
            int type = (int) header;
            int size = (int) (header >>> 48);
            if (size == 0) break;
            ByteBuffer rec = r.buf;
            int recOffset = r.dataOffset + at;
            if (at + size > r.dataSize) { // wraps: copy the two pieces into scratch
                int first = r.dataSize - at;
                for (int i = 0; i < first; i++) scratch.put(i, MEMORY.getByte(r.dataAddress + at + i));
                for (int i = 0; i < size - first; i++) scratch.put(first + i, MEMORY.getByte(r.dataAddress + i));
                rec = scratch;
                recOffset = 0;
            }
            if (type == PERF_RECORD_SAMPLE) {
                int rawSize = rec == scratch ? rec.getInt(8) : MEMORY.getInt(r.dataAddress + at + 8);
                handler.onRecord(rec, recOffset + 12, rawSize);
                delivered++;
            } else if (type == PERF_RECORD_LOST) {
                handler.onLost(rec.getLong(recOffset + 16));
            }
            tail += size;
        }
        MEMORY.putLongRelease(r.tailAddress, tail);
        return delivered;
    }

    /** Disables and unmaps every CPU's event; a second close does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (CpuRing r : rings) r.close();
        rings.clear();
    }
}
