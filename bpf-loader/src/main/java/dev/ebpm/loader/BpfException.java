package dev.ebpm.loader;

/**
 * A failure the user can act on: the message is one line saying what failed and where.
 * {@link #detail()} carries optional multi-line context (a verifier log) shown with --verbose.
 */
public class BpfException extends RuntimeException {
    private final String detail;
    private final int errno;

    public BpfException(String message) {
        this(message, null);
    }

    public BpfException(String message, String detail) {
        this(message, detail, 0);
    }

    /** @param errno the errno of the failed call, for callers that pass it on (the WASM host ABI) */
    public BpfException(String message, String detail, int errno) {
        super(message);
        this.detail = detail;
        this.errno = errno;
    }

    /** The errno of the failed system or libbpf call, or 0 when not known. */
    public int errno() {
        return errno;
    }

    public String detail() {
        return detail;
    }
}
