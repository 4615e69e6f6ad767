package dev.ebpm.loader.internal;

import dev.ebpm.loader.BpfException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An epoll set plus an eventfd, so a poll blocked in the kernel can be woken from another
 * thread (Ctrl-C, stop) without waiting for its timeout.
 */
public final class Epoll implements AutoCloseable {
    private static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLLIN = 1;
    private static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    private static final int EINTR = 4;
    private static final int EVENT_SIZE = 12; // struct epoll_event is packed on x86-64
    private static final int MAX_EVENTS = 64;

    private final Native n;
    private final int epfd;
    private final int wakeFd;
    private final Pointer events;
    private final Pointer wakeValue;
    private volatile boolean closed;

    public Epoll() {
        n = Native.get();
        epfd = n.libc.epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) throw new BpfException("epoll_create1 failed: " + n.strerror(n.errno()));
        wakeFd = n.libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) throw new BpfException("eventfd failed: " + n.strerror(n.errno()));
        events = Memory.allocateDirect(n.runtime, EVENT_SIZE * MAX_EVENTS, true);
        wakeValue = Memory.allocateDirect(n.runtime, 8, true);
        wakeValue.putLong(0, 1);
        add(wakeFd);
    }

    public void add(int fd) {
        Pointer ev = Memory.allocateDirect(n.runtime, EVENT_SIZE, true);
        ev.putInt(0, EPOLLIN);
        ev.putLong(4, fd);
        if (n.libc.epoll_ctl(epfd, EPOLL_CTL_ADD, fd, ev) < 0) {
            throw new BpfException("epoll_ctl(ADD, fd " + fd + ") failed: " + n.strerror(n.errno()));
        }
    }

    /** Waits until an fd is readable, the timeout passes or {@link #wake()} is called; returns the ready count. */
    public int await(int timeoutMs) {
        if (closed) return 0;
        int rc = n.libc.epoll_wait(epfd, events, MAX_EVENTS, timeoutMs);
        if (rc < 0) {
            int errno = n.errno();
            if (errno == EINTR) return 0;
            throw new BpfException("epoll_wait failed: " + n.strerror(errno));
        }
        return rc;
    }

    /** Wakes a thread blocked in {@link #await}; safe from any thread, including a signal handler thread. */
    public void wake() {
        n.libc.write(wakeFd, wakeValue, 8);
    }

    @Override
    public void close() {
        closed = true;
        n.libc.close(epfd);
        n.libc.close(wakeFd);
    }
}
