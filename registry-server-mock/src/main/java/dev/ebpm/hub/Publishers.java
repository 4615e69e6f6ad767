package dev.ebpm.hub;

import dev.ebpm.hub.catalog.PublisherProfile;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.PublicKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may write to the hub: publishers, their publish tokens (32 random bytes shown once; only the SHA-256 is kept),
 * their registered signing keys, and which publishers own which package names.
 */
final class Publishers {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String TOKEN_PREFIX = "ebpm_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A publisher, as a token authenticates it. */
    record Publisher(long id, String name) {}

    private final HubDatabase db;

    Publishers(HubDatabase db) {
        this.db = db;
    }

    /** Creates the publisher if needed and a new token for it; returns the token (shown once, stored hashed). */
    String createToken(String publisher) {
        checkName(publisher);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        db.transaction(() -> {
            db.update("INSERT INTO tokens(publisher_id, token_sha256, created_at) VALUES(?,?,?)",
                    idOf(publisher, true), hash(token), HubDatabase.now());
            return null;
        });
        return token;
    }

    /** Registers a publisher's public key: once a publisher has one, its uploads must be signed by one of its keys. */
    Fingerprint addKey(String publisher, PublicKey key) {
        checkName(publisher);
        db.transaction(() -> {
            db.update("INSERT OR IGNORE INTO publisher_keys(publisher_id, fingerprint, public_key, added_at) VALUES(?,?,?,?)",
                    idOf(publisher, true), key.fingerprint().hex(), key.raw(), HubDatabase.now());
            return null;
        });
        return key.fingerprint();
    }

    List<PublicKey> keys(Publisher who) {
        return db.all("SELECT public_key FROM publisher_keys WHERE publisher_id=? ORDER BY fingerprint",
                r -> new PublicKey(r.getBytes(1), null), who.id());
    }

    /** A publisher's page: since when the hub knows it, and its registered keys. */
    Optional<PublisherProfile> profile(String name) {
        return db.first("SELECT id, created_at FROM publishers WHERE name=?", r -> new Object[] {r.getLong(1), r.getString(2)}, name)
                .map(row -> new PublisherProfile(name, (String) row[1], db.all("SELECT fingerprint FROM publisher_keys WHERE publisher_id=?"
                        + " ORDER BY added_at, fingerprint", r -> new Fingerprint(r.getString(1)), row[0])));
    }

    /** Adds an owner to an existing package. */
    void addOwner(String pkg, String publisher) {
        db.transaction(() -> {
            if (!db.exists("SELECT 1 FROM packages WHERE name=?", pkg)) throw new IllegalArgumentException("no package " + pkg + " on this hub");
            db.update("INSERT OR IGNORE INTO owners(package, publisher_id) VALUES(?,?)", pkg, idOf(publisher, false));
            return null;
        });
    }

    boolean owns(Publisher who, PackageName pkg) {
        return db.exists("SELECT 1 FROM owners WHERE package=? AND publisher_id=?", pkg.value(), who.id());
    }

    /** The publisher a bearer token belongs to; 401 without a token or with one this hub never issued. */
    Publisher authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw new HubException(401, "unauthorized", "publishing needs a token: send Authorization: Bearer <token> (ebpm publish --token, or EBPM_TOKEN)");
        }
        return db.first("SELECT p.id, p.name FROM tokens t JOIN publishers p ON p.id=t.publisher_id WHERE t.token_sha256=?",
                        r -> new Publisher(r.getLong(1), r.getString(2)), hash(token.strip()))
                .orElseThrow(() -> new HubException(401, "unauthorized", "the token is not valid on this hub"));
    }

    private long idOf(String name, boolean create) {
        var id = db.first("SELECT id FROM publishers WHERE name=?", r -> r.getLong(1), name);
        if (id.isPresent()) return id.get();
        if (!create) throw new IllegalArgumentException("no publisher " + name + " on this hub");
        db.update("INSERT INTO publishers(name, created_at) VALUES(?,?)", name, HubDatabase.now());
        return db.lastInsertId();
    }

    private static void checkName(String publisher) {
        if (publisher == null || !NAME.matcher(publisher).matches()) {
            throw new IllegalArgumentException("invalid publisher name \"" + publisher + "\": letters, digits, '_', '.', '-', at most 64");
        }
    }

    private static String hash(String token) {
        return Digests.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
