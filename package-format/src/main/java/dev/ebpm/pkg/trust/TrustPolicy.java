package dev.ebpm.pkg.trust;

import dev.ebpm.pkg.UnpackedPackage;

/**
 * The install-time decision: a package must carry a signature by a key trusted for its source. Only two failures can
 * be overridden, by {@code --allow-unsigned} or a hub's {@code allow_unsigned} setting: no signature at all, and a
 * signature by a key nobody trusts here. A revoked key, a signature that does not verify, a signature of another
 * package or of another manifest are tampering and are refused whatever the user allows.
 */
public final class TrustPolicy {
    public static final String VERIFIED = "verified";
    public static final String UNSIGNED = "unsigned";
    public static final String UNTRUSTED = "untrusted";

    /**
     * @param status   {@link #VERIFIED}, {@link #UNSIGNED} or {@link #UNTRUSTED}
     * @param warning  what to tell the user when the package is let in unverified; null when verified
     */
    public record Decision(String status, SignatureEnvelope envelope, String trustSource, Verifier.Verified verified,
                           boolean allowedUnsigned, String warning) {
        public String envelopeJson() {
            return envelope == null ? null : envelope.toJsonString();
        }
    }

    private TrustPolicy() {
    }

    /**
     * @param source          the hub name, or {@link KeyRing#ANY_SOURCE} for a file or URL
     * @param envelopeOrNull  the package's signature, if it has one
     * @param allowUnsigned   the user's explicit permission for unsigned / unknown-key packages
     */
    public static Decision decide(Verifier verifier, String source, SignatureEnvelope envelopeOrNull, UnpackedPackage pkg, boolean allowUnsigned) {
        return decide(verifier, source, envelopeOrNull, pkg, allowUnsigned, Action.INSTALL);
    }

    /** What the package is let in for: the words of the messages differ, the rules do not. */
    public enum Action {
        INSTALL("installed", "install", "installing", "; recorded in the store"),
        RUN("run", "run", "running", "");

        final String done;
        final String verb;
        final String ing;
        final String note;

        Action(String done, String verb, String ing, String note) {
            this.done = done;
            this.verb = verb;
            this.ing = ing;
            this.note = note;
        }
    }

    /** {@link #decide} for {@code action}: {@code ebpm run NAME} of a package fetched from a hub and not installed gets the same check. */
    public static Decision decide(Verifier verifier, String source, SignatureEnvelope envelopeOrNull, UnpackedPackage pkg, boolean allowUnsigned,
                                  Action action) {
        String id = pkg.manifest().id();
        String nothing = "nothing was " + action.done;
        if (envelopeOrNull == null) {
            if (!allowUnsigned) {
                throw new TrustException(TrustException.Reason.UNSIGNED, "package " + id + " is not signed; refused, " + nothing
                        + " (to " + action.verb + " it anyway, unverified: --allow-unsigned)");
            }
            return new Decision(UNSIGNED, null, source, null, true,
                    action.ing + " " + id + " UNSIGNED (--allow-unsigned): nothing vouches for where it came from" + action.note);
        }
        try {
            Verifier.Verified v = verifier.verifyPackage(source, envelopeOrNull, pkg.manifest(), pkg.manifestJson());
            return new Decision(VERIFIED, envelopeOrNull, v.source(), v, false, null);
        } catch (TrustException e) {
            if (e.reason() == TrustException.Reason.UNKNOWN_KEY && allowUnsigned) {
                return new Decision(UNTRUSTED, envelopeOrNull, source, null, true,
                        action.ing + " " + id + " signed by UNTRUSTED key " + envelopeOrNull.key().display()
                                + " (--allow-unsigned): the signature is not verified" + action.note);
            }
            if (e.reason() == TrustException.Reason.UNKNOWN_KEY) {
                throw new TrustException(e.reason(), e.getMessage() + "; " + nothing + " (or, unverified: --allow-unsigned)");
            }
            throw new TrustException(e.reason(), e.getMessage() + "; " + nothing);
        }
    }
}
