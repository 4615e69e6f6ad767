package dev.ebpm.store;

import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.IndexState;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store's trust records: keys trusted per source ({@code trusted_keys}), revoked keys ({@code revoked_keys}) and
 * the newest verified index of each hub ({@code hub_index_state}). Obtained from {@link LocalStore#trust()}.
 */
public final class TrustedKeys {
    /** One trusted key, or a revoked one ({@code source} null when only the revocation is known). */
    public record Entry(PublicKey key, String source, String origin, Instant addedAt, Instant revokedAt, String revokeReason) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final LocalStore store;
    private final Connection db;

    TrustedKeys(LocalStore store, Connection db) {
        this.store = store;
        this.db = db;
    }

    /** Trusts {@code key} for {@code source} (a hub name or {@link KeyRing#ANY_SOURCE}); a revoked key cannot be trusted again. */
    public void trust(PublicKey key, String source, String origin) {
        synchronized (store) {
            if (revoked(key.fingerprint()).isPresent()) {
                throw new TrustException("key " + key.fingerprint().display() + " was revoked; a revoked key cannot be trusted again");
            }
            store.write("""
                    INSERT INTO trusted_keys(fingerprint, source, public_key, name, origin, added_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(fingerprint, source) DO UPDATE SET name = excluded.name""",
                    key.fingerprint().hex(), source, key.raw(), key.name(), origin, System.currentTimeMillis());
        }
    }

    /** Revokes the key everywhere; returns false if it was already revoked. */
    public boolean revoke(Fingerprint fp, String reason) {
        synchronized (store) {
            if (revoked(fp).isPresent()) return false;
            store.write("INSERT INTO revoked_keys(fingerprint, revoked_at, reason) VALUES (?, ?, ?)", fp.hex(), System.currentTimeMillis(), reason);
            return true;
        }
    }

    public Optional<String> revoked(Fingerprint fp) {
        synchronized (store) {
            try (PreparedStatement ps = db.prepareStatement("SELECT revoked_at, reason FROM revoked_keys WHERE fingerprint = ?")) {
                ps.setString(1, fp.hex());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    String when = Instant.ofEpochMilli(rs.getLong(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
                    String why = rs.getString(2);
                    return Optional.of("revoked " + when + (why == null || why.isBlank() ? "" : ": " + why));
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    /** Every trusted key and every revocation, by fingerprint then source. */
    public List<Entry> list() {
        synchronized (store) {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("""
                    SELECT k.public_key, k.name, k.source, k.origin, k.added_at, r.revoked_at, r.reason
                    FROM trusted_keys k LEFT JOIN revoked_keys r ON r.fingerprint = k.fingerprint
                    ORDER BY k.fingerprint, k.source""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rev = rs.getLong(6);
                    boolean isRevoked = !rs.wasNull();
                    out.add(new Entry(new PublicKey(rs.getBytes(1), rs.getString(2)), rs.getString(3), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)), isRevoked ? Instant.ofEpochMilli(rev) : null, rs.getString(7)));
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
            return out;
        }
    }

    /** Revoked fingerprints with no trusted-key row (revoked before or without being trusted here). */
    public List<Fingerprint> revokedOnly() {
        synchronized (store) {
            List<Fingerprint> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT fingerprint FROM revoked_keys r WHERE NOT EXISTS (SELECT 1 FROM trusted_keys k WHERE k.fingerprint = r.fingerprint) ORDER BY fingerprint");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Fingerprint(rs.getString(1)));
            } catch (SQLException e) {
                throw store.translate(e);
            }
            return out;
        }
    }

    /** A snapshot of the store's keys as a {@link KeyRing} (read once: a few rows). */
    public KeyRing keyRing() {
        SimpleKeyRing ring = new SimpleKeyRing();
        for (Entry e : list()) {
            if (!e.revoked()) ring.trust(e.source(), e.key());
        }
        synchronized (store) {
            try (PreparedStatement ps = db.prepareStatement("SELECT fingerprint FROM revoked_keys"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Fingerprint fp = new Fingerprint(rs.getString(1));
                    ring.revoke(fp, revoked(fp).orElse("revoked"));
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
        return ring;
    }

    public Optional<IndexState> indexState(String hubUrl) {
        synchronized (store) {
            try (PreparedStatement ps = db.prepareStatement("SELECT version, index_sha256, expires_at FROM hub_index_state WHERE hub = ?")) {
                ps.setString(1, hubUrl);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new IndexState(rs.getLong(1), rs.getString(2), Instant.parse(rs.getString(3))));
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    /** Records a verified index; never moves the recorded version backwards (another process may have seen a newer one). */
    public void recordIndex(String hubUrl, IndexState s) {
        synchronized (store) {
            store.write("""
                    INSERT INTO hub_index_state(hub, version, index_sha256, expires_at, verified_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(hub) DO UPDATE SET version = excluded.version, index_sha256 = excluded.index_sha256,
                      expires_at = excluded.expires_at, verified_at = excluded.verified_at
                    WHERE excluded.version >= hub_index_state.version""",
                    hubUrl, s.version(), s.indexSha256(), s.expires().toString(), System.currentTimeMillis());
        }
    }
}
