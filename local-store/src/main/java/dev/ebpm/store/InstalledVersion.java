package dev.ebpm.store;

import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import java.time.Instant;

/** One installed version of a package, as recorded in the store. */
public record InstalledVersion(
        PackageName name,
        Version version,
        boolean current,
        PackageKind kind,
        String description,
        long totalSize,
        int fileCount,
        Instant installedAt,
        InstallSource source,
        String signatureStatus,
        boolean allowUnsigned,
        String manifestSha256,
        String archiveSha256) {

    public String id() {
        return name + "@" + version;
    }
}
