package dev.ebpm.core.trust;

import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.store.SignatureRecord;
import java.util.List;
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

    /**
     * {@link #decide} for a package that may carry several signatures (an OCI artifact's signature referrers): the first
     * that verifies wins; if none does, the decision is the first one's, so {@code allowUnsigned} applies as for one.
     */
    public SignatureRecord decide(String source, String what, List<String> signatures, UnpackedPackage pkg, boolean allowUnsigned,
                                  TrustPolicy.Action action) {
        if (signatures.isEmpty()) return decide(source, what, (String) null, pkg, allowUnsigned, action);
        for (String s : signatures.subList(1, signatures.size())) {
            try {
                SignatureRecord r = decide(source, what, s, pkg, false, action);
                if (r.verified()) return r;
            } catch (TrustException another) {
                // the others are tried; the first signature's verdict stands if none verifies
            }
        }
        return decide(source, what, signatures.get(0), pkg, allowUnsigned, action);
    }

    /**
     * A package in a foreign format (an ecli, bpfman, bumblebee or Inspektor Gadget image): it cannot carry an ebpm
     * signature, so it is let in only when its content was named by digest ({@code pinnedDigest}: {@code @sha256:} in
     * the reference, or ebpm.lock's pin of its tag), recorded as such, or with {@code --allow-unsigned}, recorded and
     * announced. Refused otherwise, saying both ways.
     */
    public SignatureRecord decideForeign(String what, String format, UnpackedPackage pkg, String pinnedDigest, boolean allowUnsigned,
                                         TrustPolicy.Action action) {
        if (pinnedDigest != null) return SignatureRecord.pinned(pinnedDigest);
        String id = pkg.manifest().id();
        boolean install = action == TrustPolicy.Action.INSTALL;
        if (!allowUnsigned) {
            throw new TrustException(TrustException.Reason.UNSIGNED, what + " is a " + format + ": it carries no ebpm signature, so ebpm "
                    + (install ? "installs" : "runs") + " it only pinned by digest (REF@sha256:...) or with --allow-unsigned; nothing was "
                    + (install ? "installed" : "run"));
        }
        warnings.accept((install ? "installing " : "running ") + id + " from " + what + " UNSIGNED (--allow-unsigned): a " + format
                + " carries no ebpm signature, nothing vouches for it" + (install ? "; recorded in the store" : ""));
        return SignatureRecord.allowed(SignatureRecord.UNSIGNED, null, null);
    }
}
