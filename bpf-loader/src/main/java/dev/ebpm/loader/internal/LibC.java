package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/** The libc calls the loader needs beyond libbpf: mmap for the buffers, epoll for wake-ups, perf and bpf syscalls. */
public interface LibC {
    @SaveError long mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);
    @SaveError int munmap(long addr, long length);
    @SaveError int epoll_create1(int flags);
    @SaveError int epoll_ctl(int epfd, int op, int fd, @In Pointer event);
    @SaveError int epoll_wait(int epfd, @Out Pointer events, int maxEvents, int timeoutMs);
    @SaveError int eventfd(int initval, int flags);
    @SaveError long write(int fd, @In Pointer buf, long count);
    @SaveError long read(int fd, @Out Pointer buf, long count);
    @SaveError int close(int fd);
    @SaveError int open(String path, int flags);
    @SaveError int ioctl(int fd, long request, long arg);
    /** perf_event_open(2), which libc does not wrap. */
    @SaveError long syscall(long number, @In Pointer attr, int pid, int cpu, int groupFd, long flags);
    /** The bpf(2) syscall itself, for probes that libbpf has no call for. */
    @SaveError long syscall(long number, long cmd, @In Pointer attr, long size);
    @SaveError int mount(String source, String target, String fsType, long flags, Pointer data);
    @SaveError int if_nametoindex(String name);
    int vsnprintf(@Out Pointer buf, long size, Pointer format, Pointer args);
    int getpagesize();
    /** glibc: gives freed heap memory back to the kernel. */
    int malloc_trim(long pad);
    String strerror(int errnum);
}
