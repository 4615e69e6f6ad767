package dev.ebpm.core.trust;

import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.store.InstalledPackages;
import dev.ebpm.store.SignatureRecord;
import dev.ebpm.store.StoreException;
import dev.ebpm.store.Timing;

/**
 * What {@code ebpm run} does before an installed package reaches the kernel: re-verify the signature recorded at
 * install over the stored ebpm.json bytes, against the keys trusted <em>now</em> (a key revoked since is refused), then
 * re-hash every file against the manifest. A package installed with {@code --allow-unsigned} still gets the digest
 * checks, and a warning.
 */
public final class InstalledPackageVerifier {
    /** The entry file's bytes, checked; {@code warning} is non-null for a package let in unverified. */
    public record Checked(byte[] entry, PackageManifest manifest, SignatureRecord signature, String warning) {}

    private InstalledPackageVerifier() {
    }

    public static Checked check(InstalledPackages store, KeyRing keys, PackageName name, Version version) {
        String id = name + "@" + version;
        byte[] manifestJson = store.manifestJson(name, version);
        PackageManifest manifest;
        try {
            manifest = PackageManifest.parse(manifestJson);
        } catch (InvalidPackageException e) {
            throw new StoreException("stored manifest of " + id + " is invalid (" + e.getMessage() + "); reinstall it");
        }
        SignatureRecord sig = store.signature(name, version);
        long t = Timing.start();
        String warning = null;
        if (sig.verified()) {
            if (sig.envelopeJson() == null || sig.trustSource() == null) {
                throw new TrustException("installed package " + id + " is marked verified but its signature is missing from the store; refusing to run it (reinstall it)");
            }
            SignatureEnvelope env = SignatureEnvelope.parse(sig.envelopeJson());
            try {
                new Verifier(keys).verifyPackage(sig.trustSource(), env, manifest, manifestJson);
            } catch (TrustException e) {
                throw new TrustException(e.reason(), "refusing to run " + id + ": " + e.getMessage());
            }
        } else if (sig.pinned()) {
            // a foreign format installed by digest: its files are re-hashed below against the manifest made from it
            if (sig.trustSource() == null) throw new TrustException("installed package " + id + " is marked pinned but its digest is missing from the store; reinstall it");
        } else if (sig.allowUnsigned()) {
            warning = "running " + id + ", installed " + sig.status().toUpperCase() + " with --allow-unsigned: its origin was never verified";
        } else {
            throw new TrustException(TrustException.Reason.UNSIGNED, "installed package " + id + " is " + sig.status()
                    + " and was not allowed unsigned; refusing to run it (reinstall it signed, or with --allow-unsigned)");
        }
        Timing.report("run: signature", t);
        t = Timing.start();
        byte[] entry = store.verifiedEntry(name, version, manifest);
        Timing.report("run: file sha256s", t);
        return new Checked(entry, manifest, sig, warning);
    }
}
