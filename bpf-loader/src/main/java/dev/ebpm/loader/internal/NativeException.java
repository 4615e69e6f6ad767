package dev.ebpm.loader.internal;

/**
 * A native call failed. The message is the reason only (strerror of the errno, or why libbpf.so.1
 * cannot be loaded); the public classes catching it add what failed and where, and pass the errno on.
 */
public final class NativeException extends RuntimeException {
    private final int errno;

    NativeException(String reason, int errno) {
        super(reason);
        this.errno = errno;
    }

    /** The errno the call left (positive), or 0 when no system call failed. */
    public int errno() {
        return errno;
    }
}
