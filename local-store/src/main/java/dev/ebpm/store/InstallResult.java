package dev.ebpm.store;

import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;

/** What {@link LocalStore#install} did; {@code alreadyInstalled} means nothing was written. */
public record InstallResult(PackageName name, Version version, boolean alreadyInstalled, int blobsWritten, long bytesWritten) {
    public String id() {
        return name + "@" + version;
    }
}
