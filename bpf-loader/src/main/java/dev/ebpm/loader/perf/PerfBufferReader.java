package dev.ebpm.loader.perf;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.internal.Mmap;
import dev.ebpm.loader.internal.Native;
import dev.ebpm.loader.internal.SharedMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one BPF-output perf event per online CPU, each with its
 * own mmap'd ring, read in Java (perf_event_mmap_page: data_head/data_tail, then the data pages).
 * Records that wrap around the end of a ring are copied once into a scratch buffer.
 */
public final class PerfBufferReader implements AutoCloseable {
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86-64
    private static final int PERF_TYPE_SOFTWARE = 1, PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10, PERF_FLAG_FD_CLOEXEC = 8;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400, PERF_EVENT_IOC_DISABLE = 0x2401;
    private static final int PERF_RECORD_LOST = 2, PERF_RECORD_SAMPLE = 9;
    private static final int ATTR_SIZE = 112; // PERF_ATTR_SIZE_VER5
    private static final int DATA_HEAD = 1024, DATA_TAIL = 1032;
    private static final SharedMemory MEMORY = SharedMemory.get();

    private final Native n;
    private final String name;
    private final List<CpuRing> rings = new ArrayList<>();
    private final ByteBuffer scratch;

    private static final class CpuRing {
        final int fd;
        final Mmap mmap;
        final ByteBuffer buf;
        final long headAddress;
        final long tailAddress;
        final long dataAddress;
        final int dataOffset;
        final int dataSize;

        CpuRing(int fd, Mmap mmap, int dataOffset, int dataSize) {
            this.fd = fd;
            this.mmap = mmap;
            this.buf = mmap.buffer();
            this.headAddress = mmap.address() + DATA_HEAD;
            this.tailAddress = mmap.address() + DATA_TAIL;
            this.dataAddress = mmap.address() + dataOffset;
            this.dataOffset = dataOffset;
            this.dataSize = dataSize;
        }
    }

    public PerfBufferReader(BpfMap map, int pagesPerCpu) {
        if (map.type() != BpfMap.TYPE_PERF_EVENT_ARRAY) throw new BpfException("map '" + map.name() + "' is not a perf event array");
        if (Integer.bitCount(pagesPerCpu) != 1) throw new BpfException("perf_buffer_pages must be a power of two, not " + pagesPerCpu);
        this.n = Native.get();
        this.name = map.name();
        int page = Mmap.pageSize();
        int dataSize = page * pagesPerCpu;
        this.scratch = ByteBuffer.allocateDirect(dataSize).order(ByteOrder.nativeOrder());
        Pointer attr = Memory.allocateDirect(n.runtime, 128, true);
        attr.putInt(0, PERF_TYPE_SOFTWARE);
        attr.putInt(4, ATTR_SIZE);
        attr.putLong(8, PERF_COUNT_SW_BPF_OUTPUT);
        attr.putLong(16, 1); // sample_period
        attr.putLong(24, PERF_SAMPLE_RAW);
        attr.putInt(48, 1); // wakeup_events
        try {
            for (int cpu : onlineCpus()) {
                if (cpu >= map.maxEntries()) break;
                int fd = (int) n.libc.syscall(SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
                if (fd < 0) throw new BpfException("perf_event_open for CPU " + cpu + " failed: " + n.strerror(n.errno()));
                Mmap mm;
                try {
                    mm = Mmap.map(fd, (long) page + dataSize, Mmap.PROT_READ | Mmap.PROT_WRITE, 0, "perf buffer '" + name + "' CPU " + cpu);
                } catch (BpfException e) {
                    n.libc.close(fd);
                    throw e;
                }
                rings.add(new CpuRing(fd, mm, page, dataSize));
                if (n.libc.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
                    throw new BpfException("cannot enable perf event on CPU " + cpu + ": " + n.strerror(n.errno()));
                }
                byte[] key = intBytes(cpu);
                map.update(key, intBytes(fd), BpfMap.BPF_ANY);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static List<Integer> onlineCpus() {
        List<Integer> cpus = new ArrayList<>();
        try {
            String spec = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
            for (String part : spec.split(",")) {
                String[] r = part.split("-");
                int lo = Integer.parseInt(r[0]);
                int hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                for (int c = lo; c <= hi; c++) cpus.add(c);
            }
        } catch (IOException | RuntimeException e) {
            int count = Runtime.getRuntime().availableProcessors();
            for (int c = 0; c < count; c++) cpus.add(c);
        }
        return cpus;
    }

    public String name() {
        return name;
    }

    /** File descriptors to watch with epoll. */
    public int[] fds() {
        return rings.stream().mapToInt(r -> r.fd).toArray();
    }

    /** Hands every available sample of every CPU to the handler; returns how many it delivered. */
    public int drain(RecordHandler handler) {
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

    @Override
    public void close() {
        for (CpuRing r : rings) {
            n.libc.ioctl(r.fd, PERF_EVENT_IOC_DISABLE, 0);
            r.mmap.close();
            n.libc.close(r.fd);
        }
        rings.clear();
    }
}
