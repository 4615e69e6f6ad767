package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import dev.ebpm.cli.trust.Keys;
import dev.ebpm.store.InstalledPackageVerifier;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Packages installed in the local store, as `ebpm run NAME[@RANGE]` sees them: the signature recorded at install is
 * re-verified against today's trusted keys and every file is re-hashed ({@link InstalledPackageVerifier}), so neither a
 * blob changed on disk nor a package signed by a key revoked since reaches the kernel.
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
        dev.ebpm.pkg.trust.Verifier.warmUp();
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
            // signature and every file digest, re-checked before anything is decoded or loaded
            InstalledPackageVerifier.Checked checked = InstalledPackageVerifier.check(store, Keys.ring(store), name, version);
            if (checked.warning() != null) System.err.println("ebpm: warning: " + checked.warning());
            String entry = checked.manifest().entry();
            byte[] bytes = checked.entry();
            String origin = name + "@" + version + " (installed, " + entry + ")";
            PackageLocator.Located l = PackageLocator.fromBytes(bytes, entry, origin, null);
            return Optional.of(l.isWasm() ? new PackageLocator.Located(name.toString(), origin, null, l.wasm())
                    : new PackageLocator.Located(name.toString(), origin, l.decoded(), null));
        }
    }
}
