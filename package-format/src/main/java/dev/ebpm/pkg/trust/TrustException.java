package dev.ebpm.pkg.trust;

/** A signature, key or signed index that ebpm refuses; the message is the one line the user reads. */
public class TrustException extends RuntimeException {
    public TrustException(String message) {
        super(message);
    }

    public TrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
