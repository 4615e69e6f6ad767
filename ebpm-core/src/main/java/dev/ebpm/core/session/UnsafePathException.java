package dev.ebpm.core.session;

/** A root process was asked to trust a file another user could change: one line saying which, why and how to go on. */
public final class UnsafePathException extends RuntimeException {
    public UnsafePathException(String message) {
        super(message);
    }
}
