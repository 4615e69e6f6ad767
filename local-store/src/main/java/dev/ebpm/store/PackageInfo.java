package dev.ebpm.store;

import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.Version;
import java.util.List;

/** An installed version with its full manifest and the other installed versions of the same package. */
public record PackageInfo(InstalledVersion installed, PackageManifest manifest, List<Version> allVersions) {
}
