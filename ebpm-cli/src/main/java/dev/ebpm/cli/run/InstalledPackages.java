package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.PackageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Packages installed in the local store, as `ebpm run NAME[@RANGE]` sees them: the entry file is
 * read back through the store, which re-hashes it, so a blob changed on disk never reaches the kernel.
 * No network is involved: this is the offline cached run.
 */
public final class InstalledPackages {
    private InstalledPackages() {}

    public static Optional<PackageLocator.Located> find(String spec, Path storeRoot) {
        if (storeRoot == null || !Files.isDirectory(storeRoot)) return Optional.empty();
        int at = spec.indexOf('@');
        String nameText = at < 0 ? spec : spec.substring(0, at);
        PackageName name;
        VersionRange range = null;
        try {
            name = PackageName.parse(nameText);
            if (at >= 0) range = VersionRange.parse(spec.substring(at + 1));
        } catch (InvalidPackageException e) {
            throw new UserError(e.getMessage());
        }
        try (LocalStore store = LocalStore.open(storeRoot)) {
            Optional<InstalledVersion> v = store.resolveInstalled(name, range);
            if (v.isEmpty()) {
                if (range != null && !store.versions(name).isEmpty()) {
                    throw new UserError(name + " is installed, but no installed version matches " + spec.substring(at + 1)
                            + " (installed: " + store.versions(name).stream().map(iv -> iv.version().toString()).toList() + ")");
                }
                return Optional.empty();
            }
            Version version = v.get().version();
            PackageInfo info = store.info(name, version);
            String entry = info.manifest().entry();
            byte[] bytes = store.openFile(name, version, entry);
            String origin = name + "@" + version + " (installed, " + entry + ")";
            PackageLocator.Located l = PackageLocator.fromBytes(bytes, entry, origin, null);
            return Optional.of(l.isWasm() ? new PackageLocator.Located(name.toString(), origin, null, l.wasm())
                    : new PackageLocator.Located(name.toString(), origin, l.decoded(), null));
        }
    }
}
