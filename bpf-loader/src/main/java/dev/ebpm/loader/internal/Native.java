package dev.ebpm.loader.internal;

import java.nio.charset.StandardCharsets;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** libbpf.so.1 and libc, loaded once per JVM, and the errno and buffer handling every binding class shares. */
final class Native {
    private static volatile Native instance;

    final LibBpf bpf;
    final LibC libc;
    final Runtime runtime;

    private Native(LibBpf bpf, LibC libc) {
        this.bpf = bpf;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(bpf);
    }

    /** @throws NativeException when libbpf.so.1 or libc cannot be loaded */
    static Native get() {
        Native n = instance;
        if (n == null) {
            synchronized (Native.class) {
                if (instance == null) {
                    try {
                        LibBpf bpf = LibraryLoader.create(LibBpf.class).failImmediately().load("libbpf.so.1");
                        LibC libc = LibraryLoader.create(LibC.class).failImmediately().load(Platform.getNativePlatform().getStandardCLibraryName());
                        instance = new Native(bpf, libc);
                        LibbpfLog.install(instance);
                    } catch (UnsatisfiedLinkError | RuntimeException e) {
                        throw new NativeException("libbpf.so.1 cannot be loaded (" + e.getMessage()
                                + "); install it with: apt-get install libbpf1", 0);
                    }
                }
                n = instance;
            }
        }
        return n;
    }

    /** The failure of the last {@code @SaveError} call on this thread. */
    NativeException lastError() {
        return error(LastError.getLastError(runtime));
    }

    /** The failure a libbpf call reported as a negative (or positive) errno. */
    NativeException error(int errno) {
        int e = Math.abs(errno);
        return new NativeException(libc.strerror(e), e);
    }

    /** A NUL-terminated copy of {@code s} in native memory, freed when the pointer is collected. */
    Pointer cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(runtime, b.length + 1, true);
        p.put(0, b, 0, b.length);
        return p;
    }

    /** A copy of {@code b} in native memory (at least one byte, so the pointer is never NULL). */
    Pointer copyOf(byte[] b) {
        Pointer p = Memory.allocateDirect(runtime, Math.max(1, b.length));
        p.put(0, b, 0, b.length);
        return p;
    }

    Pointer zeroed(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }
}
