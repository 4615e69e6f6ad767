package dev.ebpm.store;

/** A store operation that failed; the message is one line, fit to print after "ebpm: error: ". */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
