package dev.ebpm.hub;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.SecretKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The signature of the current index ({@code /index.json.sig}) by the hub key, and its last state in the database
 * (table {@code index_signature}): the version goes up by one whenever the index's contents change (a publish, a yank,
 * an owner added), so clients can refuse an older one; unchanged contents keep their version.
 */
final class SignedIndex {
    /** How long a signature is valid, and how much must remain before it is re-signed. */
    static final Duration VALIDITY = Duration.ofDays(7);
    static final Duration RESIGN_BEFORE = Duration.ofDays(3);

    private record Stored(long version, String indexSha256, Instant expires, String envelope) {}

    private final HubDatabase db;
    private final SecretKey hubKey;
    private volatile IndexSignature current;

    SignedIndex(HubDatabase db, SecretKey hubKey) {
        this.db = db;
        this.hubKey = hubKey;
    }

    /** The last signature if more than {@link #RESIGN_BEFORE} of its validity remains, else empty (call {@link #sign}). */
    Optional<IndexSignature> fresh() {
        IndexSignature sig = current;
        return sig != null && fresh(sig.expires(), Instant.now()) ? Optional.of(sig) : Optional.empty();
    }

    /** Signs {@code index} unless the stored signature covers these exact contents, with this key, for long enough. */
    synchronized IndexSignature sign(byte[] index) {
        String sha = Digests.sha256Hex(index);
        Instant now = Instant.now();
        Optional<Stored> last = db.first("SELECT version, index_sha256, expires_at, envelope FROM index_signature WHERE id=1",
                r -> new Stored(r.getLong(1), r.getString(2), Instant.parse(r.getString(3)), r.getString(4)));
        boolean sameContents = last.isPresent() && last.get().indexSha256().equals(sha);
        if (sameContents && fresh(last.get().expires(), now)) {
            IndexSignature stored = IndexSignature.parse(last.get().envelope().getBytes(StandardCharsets.UTF_8));
            if (stored.key().equals(hubKey.fingerprint())) {
                current = stored;
                return stored;
            }
        }
        long version = last.map(Stored::version).orElse(0L) + (sameContents ? 0 : 1);
        IndexSignature sig = IndexSignature.sign(hubKey, index, version, now.plus(VALIDITY));
        db.update("INSERT INTO index_signature(id, version, index_sha256, expires_at, envelope) VALUES(1,?,?,?,?)"
                        + " ON CONFLICT(id) DO UPDATE SET version=excluded.version, index_sha256=excluded.index_sha256,"
                        + " expires_at=excluded.expires_at, envelope=excluded.envelope",
                version, sha, sig.expires().toString(), sig.toJsonString());
        current = sig;
        return sig;
    }

    private static boolean fresh(Instant expires, Instant now) {
        return Duration.between(now, expires).compareTo(RESIGN_BEFORE) > 0;
    }
}
