package dev.ebpm.loader.internal;

import dev.ebpm.loader.BpfException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads libbpf.so.1 and libc once per JVM. */
public final class Native {
    private static volatile Native instance;

    public final LibBpf bpf;
    public final LibC libc;
    public final Runtime runtime;

    private Native(LibBpf bpf, LibC libc) {
        this.bpf = bpf;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(bpf);
    }

    public static Native get() {
        Native n = instance;
        if (n == null) {
            synchronized (Native.class) {
                if (instance == null) {
                    try {
                        LibBpf bpf = LibraryLoader.create(LibBpf.class).failImmediately().load("libbpf.so.1");
                        LibC libc = LibraryLoader.create(LibC.class).failImmediately().load(jnr.ffi.Platform.getNativePlatform().getStandardCLibraryName());
                        instance = new Native(bpf, libc);
                        LibbpfLog.install(instance);
                    } catch (UnsatisfiedLinkError | RuntimeException e) {
                        throw new BpfException("cannot load libbpf.so.1 (" + e.getMessage()
                                + "); install it with: apt-get install libbpf1");
                    }
                }
                n = instance;
            }
        }
        return n;
    }

    /** errno saved by the last {@code @SaveError} call on this thread. */
    public int errno() {
        return jnr.ffi.LastError.getLastError(runtime);
    }

    public String strerror(int errno) {
        return libc.strerror(Math.abs(errno));
    }
}
