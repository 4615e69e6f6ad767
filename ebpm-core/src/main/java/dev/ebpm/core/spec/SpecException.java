package dev.ebpm.core.spec;

/** A package spec that cannot be read; the message is one line naming the form it was read as. */
public final class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }
}
