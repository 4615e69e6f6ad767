package dev.ebpm.cli.hub;

import dev.ebpm.cli.trust.Keys;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.IndexState;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.HubConfig;
import dev.ebpm.registry.IndexGuard;
import dev.ebpm.store.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The CLI's {@link IndexGuard}: an index hub's index must be signed by a key trusted for that hub (pinned by
 * {@code hub add --trust-on-first-use} or {@code key trust FILE --hub H}) and must not be older than the newest one
 * this store has verified (rollback) nor expired (freeze). The newest version is kept per hub URL in the store
 * ({@code hub_index_state}). A hub the user added with {@code --allow-unsigned} may serve no signature, or one by a key
 * nobody trusts here (with a warning); a bad, replayed or expired signature is refused whatever the setting.
 */
final class StoreIndexGuard implements IndexGuard {
    private final Path storeRoot;

    StoreIndexGuard(Path storeRoot) {
        this.storeRoot = storeRoot;
    }

    @Override
    public void check(String hub, String hubUrl, byte[] indexJson, byte[] signature) {
        boolean allowUnsigned = HubConfig.load(new StoreHubConfig(storeRoot)).allowsUnsigned(hub);
        if (signature == null) {
            if (allowUnsigned) {
                System.err.println("ebpm: warning: hub " + hub + " serves an UNSIGNED index (allowed by its --allow-unsigned setting)");
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
        boolean haveStore = Files.isRegularFile(storeRoot.resolve(LocalStore.DATABASE));
        try (LocalStore store = haveStore ? LocalStore.open(storeRoot) : null) {
            Optional<IndexState> last = store == null ? Optional.empty() : store.trust().indexState(hubUrl);
            try {
                new Verifier(Keys.ring(storeRoot)).verifyIndex(hub, sig, indexJson, last.orElse(null), Instant.now());
            } catch (TrustException e) {
                if (e.reason() == TrustException.Reason.UNKNOWN_KEY && allowUnsigned) {
                    System.err.println("ebpm: warning: hub " + hub + "'s index is signed by UNTRUSTED key " + sig.key().display()
                            + " (allowed by its --allow-unsigned setting)");
                    return;
                }
                throw e;
            }
            if (store != null) store.trust().recordIndex(hubUrl, new IndexState(sig.version(), sig.indexSha256(), sig.expires()));
        }
    }
}
