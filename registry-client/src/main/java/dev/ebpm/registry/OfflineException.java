package dev.ebpm.registry;

/** Offline mode needed something that only the network has; the message says what is missing. */
public final class OfflineException extends RegistryException {
    public OfflineException(String message) {
        super(message);
    }
}
