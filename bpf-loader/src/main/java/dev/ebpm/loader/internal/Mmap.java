package dev.ebpm.loader.internal;

import dev.ebpm.loader.BpfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A shared memory mapping of a BPF map or perf event fd, seen from Java as a direct ByteBuffer. */
public final class Mmap implements AutoCloseable {
    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    private static final long MAP_FAILED = -1L;

    private final Native n;
    private long address;
    private final long length;
    private final ByteBuffer buffer;

    private Mmap(Native n, long address, long length) {
        this.n = n;
        this.address = address;
        this.length = length;
        this.buffer = com.kenai.jffi.MemoryIO.getInstance().newDirectByteBuffer(address, (int) length)
                .order(ByteOrder.nativeOrder());
    }

    public static Mmap map(int fd, long length, int prot, long offset, String what) {
        Native n = Native.get();
        if (length > Integer.MAX_VALUE) throw new BpfException(what + ": mapping of " + length + " bytes is too large");
        long addr = n.libc.mmap(null, length, prot, MAP_SHARED, fd, offset);
        if (addr == MAP_FAILED || addr == 0) {
            throw new BpfException("cannot mmap " + what + ": " + n.strerror(n.errno()));
        }
        return new Mmap(n, addr, length);
    }

    public long address() {
        return address;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public static int pageSize() {
        return Native.get().libc.getpagesize();
    }

    @Override
    public synchronized void close() {
        if (address != 0) {
            n.libc.munmap(address, length);
            address = 0;
        }
    }
}
