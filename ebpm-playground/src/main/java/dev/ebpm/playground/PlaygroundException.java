package dev.ebpm.playground;

/** A request the playground refuses, or a step that failed; the message is one line, shown on the page or by the CLI. */
public class PlaygroundException extends RuntimeException {
    public PlaygroundException(String message) {
        super(message);
    }

    public PlaygroundException(String message, Throwable cause) {
        super(message, cause);
    }
}
