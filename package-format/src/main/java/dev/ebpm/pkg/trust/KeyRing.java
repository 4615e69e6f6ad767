package dev.ebpm.pkg.trust;

import java.util.Collection;
import java.util.Optional;

/**
 * Which keys the user trusts, per source. A key trusted for {@value #ANY_SOURCE} counts for every hub and for archives
 * installed from a file or URL. A revoked key is refused everywhere, whoever trusted it.
 */
public interface KeyRing {
    String ANY_SOURCE = "*";

    /** Keys trusted for {@code source} (a hub name, or {@value #ANY_SOURCE} for files and URLs), including those trusted for any source. */
    Collection<PublicKey> trustedFor(String source);

    /** The revocation of {@code key}, if it was revoked (a short note: when, and why if known). */
    Optional<String> revocation(Fingerprint key);
}
