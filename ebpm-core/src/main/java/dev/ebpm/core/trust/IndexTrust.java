package dev.ebpm.core.trust;

import dev.ebpm.core.session.Session;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.IndexState;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.IndexGuard;
import dev.ebpm.store.LocalStore;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every index hub's index passes here before it is used or cached: it must be signed by a key trusted for that hub
 * (pinned by {@code hub add --trust-on-first-use} or {@code key trust FILE --hub H}) and must be neither older than the
 * newest one this store has verified (rollback) nor expired (freeze); the newest is kept per hub URL in the store. A hub
 * the user added with {@code --allow-unsigned} may serve no signature, or one by a key nobody trusts here (with a
 * warning); a bad, replayed or expired signature is refused whatever the setting.
 */
public final class IndexTrust implements IndexGuard {
    private final Session session;
    private final Keys keys;
    private final Predicate<String> allowsUnsigned;

    /** @param allowsUnsigned whether the user set allow_unsigned on the hub of that name */
    public IndexTrust(Session session, Keys keys, Predicate<String> allowsUnsigned) {
        this.session = session;
        this.keys = keys;
        this.allowsUnsigned = allowsUnsigned;
    }

    @Override
    public void check(String hub, String hubUrl, byte[] indexJson, byte[] signature) {
        boolean allowUnsigned = allowsUnsigned.test(hub);
        if (signature == null) {
            if (allowUnsigned) {
                session.warn("hub " + hub + " serves an UNSIGNED index (allowed by its --allow-unsigned setting)");
                return;
            }
            throw new TrustException(TrustException.Reason.UNSIGNED, "hub " + hub + " (" + hubUrl + ") serves no index signature; refused"
                    + " (to use it anyway, unverified: ebpm hub remove " + hub + "; ebpm hub add " + hub + " " + hubUrl + " --allow-unsigned)");
        }
        IndexSignature sig;
        try {
            sig = IndexSignature.parse(signature);
        } catch (TrustException e) {
            throw new TrustException(TrustException.Reason.BAD_SIGNATURE, "hub " + hub + ": " + e.getMessage() + "; refused");
        }
        Optional<LocalStore> store = session.existingStore();
        Optional<IndexState> last = store.flatMap(s -> s.trust().indexState(hubUrl));
        try {
            new Verifier(keys.ring()).verifyIndex(hub, sig, indexJson, last.orElse(null), Instant.now());
        } catch (TrustException e) {
            if (e.reason() == TrustException.Reason.UNKNOWN_KEY && allowUnsigned) {
                session.warn("hub " + hub + "'s index is signed by UNTRUSTED key " + sig.key().display() + " (allowed by its --allow-unsigned setting)");
                return;
            }
            throw e;
        }
        store.ifPresent(s -> s.trust().recordIndex(hubUrl, new IndexState(sig.version(), sig.indexSha256(), sig.expires())));
    }
}
