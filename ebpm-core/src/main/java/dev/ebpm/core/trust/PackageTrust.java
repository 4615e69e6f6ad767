package dev.ebpm.core.trust;

import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.store.SignatureRecord;
import java.util.function.Consumer;

/**
 * The one trust decision of ebpm, whatever the package came from (a hub, a file, a URL, stdin): {@link TrustPolicy}
 * over the package's signature envelope (as served or found beside it) with its source ({@link KeyRing#ANY_SOURCE} for
 * files and URLs), and the user's {@code --allow-unsigned} or the hub's allow_unsigned setting. Refusals throw a
 * {@link TrustException}; a package let in unverified is announced through {@code warnings}. The result is what the
 * store records and {@code ebpm run} re-checks later.
 */
public final class PackageTrust {
    private final KeyRing keys;
    private final Consumer<String> warnings;

    public PackageTrust(KeyRing keys, Consumer<String> warnings) {
        this.keys = keys;
        this.warnings = warnings;
    }

    /**
     * @param source          a hub name, or {@link KeyRing#ANY_SOURCE} for a file or URL
     * @param signatureOrNull the envelope's JSON as found, or null if the package carries none
     * @param allowUnsigned   the user's (or the hub's) permission for unsigned or unknown-key packages
     */
    public SignatureRecord decide(String source, String what, String signatureOrNull, UnpackedPackage pkg, boolean allowUnsigned,
                                  TrustPolicy.Action action) {
        SignatureEnvelope envelope = null;
        if (signatureOrNull != null) {
            try {
                envelope = SignatureEnvelope.parse(signatureOrNull);
            } catch (TrustException e) {
                throw new TrustException(TrustException.Reason.BAD_SIGNATURE, "package " + pkg.manifest().id() + " from " + what + ": "
                        + e.getMessage() + "; refused");
            }
        }
        Verifier.warmUp();
        TrustPolicy.Decision d = TrustPolicy.decide(new Verifier(keys), source, envelope, pkg, allowUnsigned, action);
        if (d.warning() != null) warnings.accept(d.warning());
        return new SignatureRecord(d.status(), d.envelopeJson(), d.trustSource(), d.allowedUnsigned());
    }
}
