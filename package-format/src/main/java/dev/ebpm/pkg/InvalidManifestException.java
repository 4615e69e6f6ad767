package dev.ebpm.pkg;

/**
 * An archive whose {@code ebpm.json} is missing or invalid, told apart from a broken archive so a hub can answer
 * {@code bad_manifest} rather than {@code bad_archive}.
 */
public final class InvalidManifestException extends InvalidPackageException {
    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
