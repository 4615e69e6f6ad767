package dev.ebpm.registry;

/** A hub could not give what was asked: unreachable, refused, or sent something wrong. The message is one line. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
