package dev.ebpm.loader;

/**
 * A failure the user can act on: the message is one line saying what failed and where.
 * {@link #detail()} carries optional multi-line context (a verifier log) shown with --verbose.
 */
public class BpfException extends RuntimeException {
    private final String detail;

    public BpfException(String message) {
        this(message, null);
    }

    public BpfException(String message, String detail) {
        super(message);
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }
}
