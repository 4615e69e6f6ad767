package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/** A file read without blocking through its fd, so it can sit in an {@link Epoll} set (tracefs pipes). */
public final class TextFile implements AutoCloseable {
    private static final int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    private static final int EAGAIN = 11, EINTR = 4;

    private final Native n;
    private final int fd;
    private final Pointer buf;
    private final int capacity;
    private boolean closed;

    /** @throws NativeException */
    public TextFile(String path, int bufferSize) {
        n = Native.get();
        fd = n.libc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) throw n.lastError();
        capacity = bufferSize;
        buf = n.zeroed(bufferSize);
    }

    public int fd() {
        return fd;
    }

    /** Reads what is there into {@code dst} (at most its length); 0 when nothing is ready. @throws NativeException */
    public int read(byte[] dst) {
        if (closed) throw new IllegalStateException("a tracefs file was read after it was closed");
        long rc = n.libc.read(fd, buf, Math.min(capacity, dst.length));
        if (rc < 0) {
            NativeException e = n.lastError();
            if (e.errno() == EAGAIN || e.errno() == EINTR) return 0;
            throw e;
        }
        buf.get(0, dst, 0, (int) rc);
        return (int) rc;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        n.libc.close(fd);
    }
}
