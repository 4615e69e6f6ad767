package dev.ebpm.cli.hub;

import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.FetchedPackage;

/**
 * The signature decision for a package fetched from a hub, the same for {@code install NAME} and for {@code run NAME}
 * of a package not installed: {@link TrustPolicy} with the hub as the source, the version's signature as the hub
 * serves it, and the user's {@code --allow-unsigned} or the hub's allow_unsigned setting.
 */
public final class HubTrust {
    private HubTrust() {
    }

    public static TrustPolicy.Decision decide(FetchedPackage f, KeyRing keys, boolean allowUnsigned, boolean hubAllowsUnsigned,
                                              TrustPolicy.Action action) {
        SignatureEnvelope envelope = null;
        if (f.signature() != null) {
            try {
                envelope = SignatureEnvelope.parse(f.signature());
            } catch (TrustException e) {
                throw new TrustException(TrustException.Reason.BAD_SIGNATURE, "package " + f.id() + " from hub " + f.hub() + ": " + e.getMessage()
                        + "; refused");
            }
        }
        return TrustPolicy.decide(new Verifier(keys), f.hub(), envelope, f.pkg(), allowUnsigned || hubAllowsUnsigned, action);
    }
}
