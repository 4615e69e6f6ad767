package dev.ebpm.loader.internal;

/** The libc and libbpf calls about this host rather than a BPF object: mounts, interfaces, directories, CPUs. */
public final class Host {
    private static final int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    private Host() {}

    /** mount(2) with no flags or data. @throws NativeException */
    public static void mount(String source, String target, String fsType) {
        Native n = Native.get();
        if (n.libc.mount(source, target, fsType, 0, null) != 0) throw n.lastError();
    }

    /** if_nametoindex(3). @throws NativeException (ENODEV when there is no such interface) */
    public static int interfaceIndex(String name) {
        Native n = Native.get();
        int idx = n.libc.if_nametoindex(name);
        if (idx == 0) throw n.lastError();
        return idx;
    }

    /** Opens a directory read-only, for calls that take a directory fd (cgroups). @throws NativeException */
    public static int openDirectory(String path) {
        Native n = Native.get();
        int fd = n.libc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw n.lastError();
        return fd;
    }

    /** close(2) of an fd from {@link #openDirectory}; its error carries nothing a caller can act on. */
    public static void close(int fd) {
        Native.get().libc.close(fd);
    }

    /**
     * Gives the native memory that was freed back to the kernel (glibc's malloc_trim). libbpf parses the kernel's BTF,
     * tens of MiB, for each load and frees it after, but glibc keeps freed memory mapped: a process that loads many
     * objects and lives on (the daemon) holds it all otherwise.
     */
    public static void trimFreedMemory() {
        Native.get().libc.malloc_trim(0);
    }

    /** libbpf's count of possible CPUs (not online ones). @throws NativeException */
    public static int possibleCpus() {
        Native n = Native.get();
        int count = n.bpf.libbpf_num_possible_cpus();
        if (count < 0) throw n.error(count);
        return count;
    }
}
