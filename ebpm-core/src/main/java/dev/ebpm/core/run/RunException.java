package dev.ebpm.core.run;

/** A package cannot be run, or a detached run cannot be started, found or acted on; the message is one line. */
public final class RunException extends RuntimeException {
    public RunException(String message) {
        super(message);
    }
}
