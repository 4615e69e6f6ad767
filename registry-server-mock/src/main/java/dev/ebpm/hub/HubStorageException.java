package dev.ebpm.hub;

/** The hub's data directory (its database or blob files) could not be read or written; one line saying which and why. */
public final class HubStorageException extends RuntimeException {
    public HubStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public HubStorageException(String message) {
        super(message);
    }
}
