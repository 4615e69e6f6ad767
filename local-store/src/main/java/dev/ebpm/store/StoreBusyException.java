package dev.ebpm.store;

/** Another process held the store's write lock for longer than the busy timeout. */
public class StoreBusyException extends StoreException {
    public StoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
