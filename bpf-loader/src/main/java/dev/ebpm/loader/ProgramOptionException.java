package dev.ebpm.loader;

/** A word after the package's name that the package's options do not accept: a usage mistake, not a kernel failure. */
public final class ProgramOptionException extends BpfException {
    public ProgramOptionException(String message) {
        super(message);
    }
}
