package dev.ebpm.pkg.trust;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageManifest;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks package and index signatures against a {@link KeyRing}. Every refusal is a {@link TrustException} whose
 * message says what was refused and why. The order is: who signed (revoked? trusted for this source?), does the
 * signature verify, then does the signed statement describe what we hold (substitution, rename, tampering), then,
 * for indexes, freshness (rollback, freeze).
 */
public final class Verifier {
    private final KeyRing ring;

    /**
     * Starts Ed25519's one-time table precomputation (and class loading) on a background thread, so that in a fresh
     * JVM it overlaps with reading and hashing the package instead of adding to it (tens of ms cold). Idempotent.
     */
    public static void warmUp() {
        WarmUp.start();
    }

    private static final class WarmUp {
        private static final Thread THREAD = new Thread(() -> {
            org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
            SecretKey.fromSeed(new byte[32], "").publicKey().verifies(new byte[1], new byte[64]);
        }, "ed25519-warm-up");

        static synchronized void start() {
            if (THREAD.getState() == Thread.State.NEW) {
                THREAD.setDaemon(true);
                THREAD.start();
            }
        }
    }

    public Verifier(KeyRing ring) {
        this.ring = ring;
    }

    /** What a verified signature vouches for. */
    public record Verified(PublicKey key, String source) {
    }

    /**
     * @param source the hub name, or {@link KeyRing#ANY_SOURCE} for a file or URL
     * @param manifestJson the exact ebpm.json bytes held (from the archive, or from the store)
     */
    public Verified verifyPackage(String source, SignatureEnvelope env, PackageManifest manifest, byte[] manifestJson) {
        String id = manifest.id();
        PublicKey key = signer(source, env.key(), "package " + id);
        if (!key.verifies(env.signedMessage(), env.signature())) {
            throw new TrustException(TrustException.Reason.BAD_SIGNATURE, "package " + id + ": signature does not verify with key " + describe(key)
                    + " (the signature was altered or made over other data); refused");
        }
        if (!env.name().equals(manifest.name().value()) || !env.version().equals(manifest.version().toString())) {
            throw new TrustException(TrustException.Reason.WRONG_PACKAGE, "package " + id + ": the signature is for " + env.packageId()
                    + ", not for this package (renamed after signing, or a substituted signature); refused");
        }
        String sha = Digests.sha256Hex(manifestJson);
        if (!sha.equals(env.manifestSha256())) {
            throw new TrustException(TrustException.Reason.MANIFEST_CHANGED, "package " + id + ": ebpm.json does not match its signature (signed sha256:"
                    + env.manifestSha256().substring(0, 16) + "..., found sha256:" + sha.substring(0, 16)
                    + "...): the manifest was changed after signing; refused");
        }
        return new Verified(key, source);
    }

    /**
     * Verifies a hub's index and its freshness against the last one seen ({@code lastSeenOrNull}).
     * An index equal to the last one (same version, same digest) is accepted as long as it has not expired.
     */
    public Verified verifyIndex(String hub, IndexSignature sig, byte[] indexJson, IndexState lastSeenOrNull, Instant now) {
        String what = "index of hub " + hub;
        PublicKey key = signer(hub, sig.key(), what);
        if (!key.verifies(sig.signedMessage(), sig.signature())) {
            throw new TrustException(TrustException.Reason.BAD_SIGNATURE, what + ": signature does not verify with key " + describe(key) + " (altered index signature); refused");
        }
        String sha = Digests.sha256Hex(indexJson);
        if (!sha.equals(sig.indexSha256())) {
            throw new TrustException(TrustException.Reason.MANIFEST_CHANGED, what + " does not match its signature (signed sha256:" + sig.indexSha256().substring(0, 16)
                    + "..., received sha256:" + sha.substring(0, 16) + "...): the index was altered; refused");
        }
        if (lastSeenOrNull != null) {
            if (sig.version() < lastSeenOrNull.version()) {
                throw new TrustException(TrustException.Reason.ROLLBACK, what + " is version " + sig.version() + ", older than version " + lastSeenOrNull.version()
                        + " already seen: an old index is being replayed (rollback); refused");
            }
            if (sig.version() == lastSeenOrNull.version() && !sha.equals(lastSeenOrNull.indexSha256())) {
                throw new TrustException(TrustException.Reason.ROLLBACK, what + ": version " + sig.version() + " has different contents than the version "
                        + sig.version() + " seen before (the hub signed two indexes with one version); refused");
            }
        }
        if (!now.isBefore(sig.expires())) {
            throw new TrustException(TrustException.Reason.EXPIRED, what + " expired at " + sig.expires() + " (" + ago(Duration.between(sig.expires(), now))
                    + " ago): the hub stopped re-signing it, or an old index is being replayed (freeze); refused");
        }
        return new Verified(key, hub);
    }

    private PublicKey signer(String source, Fingerprint fp, String what) {
        var revoked = ring.revocation(fp);
        if (revoked.isPresent()) {
            throw new TrustException(TrustException.Reason.REVOKED_KEY, what + " is signed by key " + fp.display() + ", which was revoked (" + revoked.get() + "); refused");
        }
        for (PublicKey k : ring.trustedFor(source)) {
            if (k.fingerprint().equals(fp)) return k;
        }
        String scope = KeyRing.ANY_SOURCE.equals(source) ? "for files and URLs" : "for hub " + source;
        String how = KeyRing.ANY_SOURCE.equals(source) ? "ebpm key trust KEYFILE" : "ebpm key trust KEYFILE --hub " + source;
        throw new TrustException(TrustException.Reason.UNKNOWN_KEY, what + " is signed by key " + fp.display() + ", which is not trusted " + scope
                + "; refused (if you trust the signer: " + how + ")");
    }

    private static String describe(PublicKey k) {
        return k.fingerprint().display() + (k.name().isEmpty() ? "" : " (" + k.name() + ")");
    }

    static String ago(Duration d) {
        long s = d.getSeconds();
        if (s < 120) return s + " s";
        if (s < 7200) return (s / 60) + " min";
        if (s < 172800) return (s / 3600) + " h";
        return (s / 86400) + " days";
    }
}
