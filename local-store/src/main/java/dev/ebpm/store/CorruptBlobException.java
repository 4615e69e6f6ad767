package dev.ebpm.store;

/** A blob whose bytes no longer hash to its name (or that vanished); carries the digest and the package path. */
public class CorruptBlobException extends StoreException {
    private final String digest;
    private final String path;

    public CorruptBlobException(String digest, String path, String message) {
        super(message);
        this.digest = digest;
        this.path = path;
    }

    public String digest() {
        return digest;
    }

    public String path() {
        return path;
    }
}
