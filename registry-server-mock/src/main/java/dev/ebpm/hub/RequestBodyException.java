package dev.ebpm.hub;

import java.io.IOException;

/** The client's request body could not be read: malformed, cut short, or not sent before its deadline. */
final class RequestBodyException extends IOException {
    private final boolean timedOut;

    RequestBodyException(boolean timedOut, String message) {
        super(message);
        this.timedOut = timedOut;
    }

    /** True if the body missed its deadline (408), false if it was malformed or cut short (400). */
    boolean timedOut() {
        return timedOut;
    }
}
