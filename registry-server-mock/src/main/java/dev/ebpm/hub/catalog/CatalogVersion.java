package dev.ebpm.hub.catalog;

import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import java.util.Locale;
import java.util.Optional;

/**
 * One published version as the pages show it.
 *
 * @param sha256      the archive's digest ({@code /blobs/sha256/<sha256>})
 * @param signature   the package signature the hub verified against the publisher's registered key when it was
 *                    published, or null for an unsigned upload
 * @param publisher   who published this version
 * @param publishedAt UTC, whole seconds (ISO-8601)
 */
public record CatalogVersion(Version version, String sha256, long size, PackageKind kind, String entry, String entrySha256,
                             PackageManifest manifest, boolean yanked, SignatureEnvelope signature, String publisher,
                             String publishedAt) {
    /** The file shown as the package's README: {@code README.md} at the package's top level, in any letter case. */
    public Optional<String> readmePath() {
        return manifest.files().keySet().stream().filter(p -> p.toLowerCase(Locale.ROOT).equals("readme.md")).findFirst();
    }
}
