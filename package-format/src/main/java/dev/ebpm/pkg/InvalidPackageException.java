package dev.ebpm.pkg;

/** A package, name, version, manifest or archive that ebpm refuses; the message is one line saying what and where. */
public class InvalidPackageException extends RuntimeException {
    public InvalidPackageException(String message) {
        super(message);
    }

    public InvalidPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
