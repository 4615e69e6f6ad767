package dev.ebpm.pkg.trust;

/** A signature, key or signed index that ebpm refuses; the message is the one line the user reads. */
public class TrustException extends RuntimeException {
    /** Why, for callers that treat some refusals differently (only {@link #UNKNOWN_KEY} and {@link #UNSIGNED} may be overridden). */
    public enum Reason { UNSIGNED, UNKNOWN_KEY, REVOKED_KEY, BAD_SIGNATURE, WRONG_PACKAGE, MANIFEST_CHANGED, ROLLBACK, EXPIRED, INVALID }

    private final Reason reason;

    public TrustException(String message) {
        this(Reason.INVALID, message);
    }

    public TrustException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TrustException(String message, Throwable cause) {
        super(message, cause);
        this.reason = Reason.INVALID;
    }

    public Reason reason() {
        return reason;
    }
}
