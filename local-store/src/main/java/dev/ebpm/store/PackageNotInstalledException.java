package dev.ebpm.store;

/** The named package (or version of it) is not in the store. */
public class PackageNotInstalledException extends StoreException {
    public PackageNotInstalledException(String message) {
        super(message);
    }
}
