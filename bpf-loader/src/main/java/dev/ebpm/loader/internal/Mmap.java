package dev.ebpm.loader.internal;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A shared memory mapping of a BPF map or perf event fd, seen from Java as a direct ByteBuffer. */
public final class Mmap implements AutoCloseable {
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    private static final long MAP_FAILED = -1L;

    private final Native n;
    private final long address;
    private final long length;
    private final ByteBuffer buffer;
    private boolean closed;

    private Mmap(Native n, long address, long length) {
        this.n = n;
        this.address = address;
        this.length = length;
        this.buffer = MemoryIO.getInstance().newDirectByteBuffer(address, (int) length).order(ByteOrder.nativeOrder());
    }

    /**
     * Maps {@code length} bytes of {@code fd} from {@code offset}, shared.
     *
     * @throws IllegalArgumentException when the length does not fit a ByteBuffer
     * @throws NativeException when the kernel refuses the mapping
     */
    public static Mmap map(int fd, long length, boolean writable, long offset) {
        if (length > Integer.MAX_VALUE) throw new IllegalArgumentException("a mapping of " + length + " bytes is too large");
        Native n = Native.get();
        long addr = n.libc.mmap(null, length, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, offset);
        if (addr == MAP_FAILED || addr == 0) throw n.lastError();
        return new Mmap(n, addr, length);
    }

    /** The start of the mapping, for {@link SharedMemory}; invalid once closed. */
    public long address() {
        return address;
    }

    /** A view of the whole mapping; invalid once closed. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public static int pageSize() {
        return Native.get().libc.getpagesize();
    }

    /** Unmaps; munmap of a whole mapping this class made can fail only on a bad address, which it never passes. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            n.libc.munmap(address, length);
        }
    }
}
