package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/**
 * An epoll set plus an eventfd, so a poll blocked in the kernel can be woken from another
 * thread (Ctrl-C, stop) without waiting for its timeout.
 */
public final class Epoll implements AutoCloseable {
    private static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLLIN = 1;
    private static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    private static final int EINTR = 4;
    private static final int MAX_EVENTS = 64;

    private final Native n;
    private final int epfd;
    private final int wakeFd;
    private final Pointer events;
    private final Pointer wakeValue;
    private volatile boolean closed; // set under this lock: wake() must never write to a closed (maybe reused) fd number

    /** @throws NativeException when the kernel has no epoll or eventfd to give (fd limit) */
    public Epoll() {
        n = Native.get();
        epfd = n.libc.epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) throw n.lastError();
        wakeFd = n.libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) {
            NativeException e = n.lastError();
            n.libc.close(epfd);
            throw e;
        }
        events = n.zeroed(StructLayouts.EpollEvent.SIZE * MAX_EVENTS);
        wakeValue = n.zeroed(8);
        wakeValue.putLong(0, 1);
        try {
            add(wakeFd);
        } catch (NativeException e) {
            close();
            throw e;
        }
    }

    /** Watches {@code fd} for input. @throws NativeException */
    public void add(int fd) {
        Pointer ev = n.zeroed(StructLayouts.EpollEvent.SIZE);
        ev.putInt(StructLayouts.EpollEvent.EVENTS, EPOLLIN);
        ev.putLong(StructLayouts.EpollEvent.DATA, fd);
        if (n.libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ev) < 0) throw n.lastError();
    }

    /**
     * Waits until an fd is readable, the timeout passes or {@link #wake()} is called; returns the
     * ready count (0 when a signal interrupted the wait). @throws NativeException
     */
    public int await(int timeoutMs) {
        if (closed) throw new IllegalStateException("an epoll set was used after it was closed");
        int rc = n.libc.epoll_wait(epfd, events, MAX_EVENTS, timeoutMs);
        if (rc < 0) {
            NativeException e = n.lastError();
            if (e.errno() == EINTR) return 0;
            throw e;
        }
        return rc;
    }

    /** Wakes a thread blocked in {@link #await}; safe from any thread, and a no-op once closed. */
    public synchronized void wake() {
        if (!closed) n.libc.write(wakeFd, wakeValue, 8); // a full counter (EAGAIN) wakes the poll just as well
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        n.libc.close(epfd);
        n.libc.close(wakeFd);
    }
}
