package dev.ebpm.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ebpm.pkg.DigestingInputStream;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hub's persistent state: a SQLite index ({@code hub.db}: publishers, tokens, packages, owners, versions, blobs)
 * beside a {@link BlobDirectory}. Every read the HTTP side serves comes from an immutable {@link Snapshot} rebuilt after
 * each write, so reads never touch the database and never see a half-committed publish.
 */
public final class HubStore implements AutoCloseable {
    public static final String DATABASE = "hub.db";
    public static final int PROTOCOL = 1;

    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private static final String[] SCHEMA = {
        "CREATE TABLE publishers(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
        "CREATE TABLE tokens(id INTEGER PRIMARY KEY, publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " token_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
        "CREATE TABLE packages(name TEXT PRIMARY KEY, created_at TEXT NOT NULL)",
        "CREATE TABLE owners(package TEXT NOT NULL REFERENCES packages(name), publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " PRIMARY KEY(package, publisher_id))",
        "CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at TEXT NOT NULL)",
        "CREATE TABLE versions(package TEXT NOT NULL REFERENCES packages(name), version TEXT NOT NULL,"
                + " sha256 TEXT NOT NULL REFERENCES blobs(sha256), size INTEGER NOT NULL, kind TEXT NOT NULL,"
                + " entry TEXT NOT NULL, entry_sha256 TEXT NOT NULL REFERENCES blobs(sha256), manifest TEXT NOT NULL,"
                + " yanked INTEGER NOT NULL DEFAULT 0, signature TEXT, publisher_id INTEGER NOT NULL REFERENCES publishers(id),"
                + " published_at TEXT NOT NULL, PRIMARY KEY(package, version))",
    };

    /** Version 2: publishers' signing keys, and the last signed index (version counter, digest, expiry, envelope). */
    private static final String[] SCHEMA_2 = {
        "CREATE TABLE publisher_keys(publisher_id INTEGER NOT NULL REFERENCES publishers(id), fingerprint TEXT NOT NULL,"
                + " public_key BLOB NOT NULL, added_at TEXT NOT NULL, PRIMARY KEY(publisher_id, fingerprint))",
        "CREATE TABLE index_signature(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, index_sha256 TEXT NOT NULL,"
                + " expires_at TEXT NOT NULL, envelope TEXT NOT NULL)",
    };

    /** How long a signed index is valid, and how much must remain before it is re-signed. */
    static final java.time.Duration INDEX_VALIDITY = java.time.Duration.ofDays(7);
    static final java.time.Duration RESIGN_BEFORE = java.time.Duration.ofDays(3);

    private final Path dataDir;
    private final Connection db;
    private final BlobDirectory blobs;
    private final long maxUploadBytes;
    private final SecretKey hubKey;
    private volatile Snapshot snapshot;
    private volatile IndexSignature indexSignature;

    /** One file the static (eunomia/LMP) layout serves for a package's current version. */
    public record StaticFile(String sha256, long size, String contentType) {}

    /** A JSON document and its ETag. */
    public record Document(byte[] json, String etag) {}

    /** Everything readers see, replaced whole after each write. */
    public record Snapshot(Document index, Map<String, Document> packages, Map<String, StaticFile> staticFiles) {}

    /** What a successful publish returns. */
    public record Published(String name, String version, String sha256, long size) {}

    private HubStore(Path dataDir, long maxUploadBytes) throws IOException, SQLException {
        this.dataDir = dataDir;
        this.maxUploadBytes = maxUploadBytes;
        Files.createDirectories(dataDir);
        this.blobs = new BlobDirectory(dataDir);
        this.db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(DATABASE));
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA foreign_keys=ON");
            st.execute("PRAGMA busy_timeout=10000");
            int v;
            try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                v = rs.next() ? rs.getInt(1) : 0;
            }
            if (v > 2) {
                throw new IllegalStateException(dataDir.resolve(DATABASE) + " has schema version " + v + "; this hub knows versions 1 and 2");
            }
            if (v < 2) {
                db.setAutoCommit(false);
                if (v == 0) for (String s : SCHEMA) st.execute(s);
                for (String s : SCHEMA_2) st.execute(s);
                st.execute("PRAGMA user_version=2");
                db.commit();
                db.setAutoCommit(true);
            }
        }
        this.hubKey = HubKey.loadOrCreate(dataDir);
        this.snapshot = buildSnapshot();
        signIndex();
    }

    public static HubStore open(Path dataDir, long maxUploadBytes) {
        try {
            return new HubStore(dataDir, maxUploadBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open hub database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Optional<Path> blob(String sha256) {
        return blobs.find(sha256);
    }

    // ---- admin ------------------------------------------------------------------------------------------------

    /** Creates the publisher if needed and a new token for it; returns the token (shown once, stored hashed). */
    public synchronized String createToken(String publisher) {
        if (publisher == null || !publisher.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("invalid publisher name \"" + publisher + "\": letters, digits, '_', '.', '-', at most 64");
        }
        String token = Tokens.generate();
        inTransaction(() -> {
            long id = publisherId(publisher, true);
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO tokens(publisher_id, token_sha256, created_at) VALUES(?,?,?)")) {
                ps.setLong(1, id);
                ps.setString(2, Tokens.hash(token));
                ps.setString(3, now());
                ps.executeUpdate();
            }
        });
        return token;
    }

    /** Adds an owner to an existing package. */
    public synchronized void addOwner(String pkg, String publisher) {
        inTransaction(() -> {
            if (!exists("SELECT 1 FROM packages WHERE name=?", pkg)) throw new IllegalArgumentException("no package " + pkg);
            long id = publisherId(publisher, false);
            try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO owners(package, publisher_id) VALUES(?,?)")) {
                ps.setString(1, pkg);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        });
    }

    /** Registers a publisher's public key: once a publisher has one, its uploads must be signed by one of its keys. */
    public synchronized Fingerprint addPublisherKey(String publisher, PublicKey key) {
        if (publisher == null || !publisher.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("invalid publisher name \"" + publisher + "\": letters, digits, '_', '.', '-', at most 64");
        }
        inTransaction(() -> {
            long id = publisherId(publisher, true);
            update("INSERT OR IGNORE INTO publisher_keys(publisher_id, fingerprint, public_key, added_at) VALUES(?,?,?,?)",
                    id, key.fingerprint().hex(), key.raw(), now());
        });
        return key.fingerprint();
    }

    private synchronized List<PublicKey> publisherKeys(long publisherId) {
        List<PublicKey> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT public_key FROM publisher_keys WHERE publisher_id=? ORDER BY fingerprint")) {
            ps.setLong(1, publisherId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new PublicKey(rs.getBytes(1), null));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("hub database: " + e.getMessage(), e);
        }
        return out;
    }

    /** The hub's public key (what clients pin), one line. */
    public PublicKey hubKey() {
        return hubKey.publicKey();
    }

    // ---- publish and yank -------------------------------------------------------------------------------------

    /**
     * Stores an archive as {@code name@version}. Checks that cost nothing come before reading the body; the body is
     * streamed to a temp file (never past the upload limit), checked completely, forced to disk and renamed, and only
     * then is the version row committed, in one transaction.
     */
    public Published publish(String bearerToken, String name, String version, InputStream body, long contentLength) throws IOException {
        return publish(bearerToken, name, version, body, contentLength, null);
    }

    /**
     * As {@link #publish(String, String, String, InputStream, long)}, with the package signature the client sent
     * (base64 of the envelope's JSON, or null). A publisher with registered keys must sign with one of them; the
     * signature must verify over the uploaded manifest and name this package and version. It is then served in the
     * index. A publisher without keys may upload unsigned packages only.
     */
    public Published publish(String bearerToken, String name, String version, InputStream body, long contentLength,
                             String signatureBase64) throws IOException {
        Publisher who = authenticate(bearerToken);
        PackageName pn = parseName(name);
        Version pv = parseVersion(version);
        synchronized (this) {
            checkCanPublish(who, pn, pv);
        }
        SignatureEnvelope envelope = parseSignature(signatureBase64);
        List<PublicKey> keys = publisherKeys(who.id());
        checkSigner(who, keys, envelope, pn, pv);
        if (contentLength > maxUploadBytes) {
            throw tooLarge(contentLength + " bytes");
        }
        Path tmp = blobs.newTempFile();
        try {
            String sha;
            long size;
            try (DigestingInputStream in = new DigestingInputStream(body); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (in.count() > maxUploadBytes) throw tooLarge("more than " + maxUploadBytes + " bytes");
                    out.write(buf, 0, n);
                }
                sha = in.sha256Hex();
                size = in.count();
            }
            if (size == 0) throw new HubException(400, "bad_archive", "empty upload: send the .ebpm archive as the request body");
            UnpackedPackage pkg;
            try (InputStream in = Files.newInputStream(tmp)) {
                pkg = PackageArchive.unpack(in);
            } catch (InvalidPackageException e) {
                String m = e.getMessage();
                boolean manifest = m.startsWith("manifest field") || m.startsWith(PackageManifest.FILE_NAME) || m.contains("no " + PackageManifest.FILE_NAME)
                        || m.startsWith("invalid package") || m.startsWith("invalid version");
                throw new HubException(400, manifest ? "bad_manifest" : "bad_archive", m);
            }
            PackageManifest m = pkg.manifest();
            if (!m.name().equals(pn)) {
                throw new HubException(400, "name_mismatch", "the archive is " + m.id() + " but was published as " + pn + "@" + pv);
            }
            if (!m.version().equals(pv) || !m.version().toString().equals(pv.toString())) {
                throw new HubException(400, "version_mismatch", "the archive is " + m.id() + " but was published as " + pn + "@" + pv);
            }
            if (envelope != null) verifySignature(keys, envelope, pkg);
            String signatureJson = envelope == null ? null : envelope.toJsonString();
            byte[] entry = pkg.bytes(m.entry());
            String entrySha = m.files().get(m.entry()).sha256();
            synchronized (this) {
                checkCanPublish(who, pn, pv);
                blobs.commit(tmp, sha);
                blobs.put(entry, entrySha);
                final long archiveSize = size;
                inTransaction(() -> {
                    String now = now();
                    insertBlob(sha, archiveSize, now);
                    insertBlob(entrySha, entry.length, now);
                    if (!exists("SELECT 1 FROM packages WHERE name=?", pn.value())) {
                        update("INSERT INTO packages(name, created_at) VALUES(?,?)", pn.value(), now);
                        update("INSERT INTO owners(package, publisher_id) VALUES(?,?)", pn.value(), who.id());
                    }
                    update("INSERT INTO versions(package, version, sha256, size, kind, entry, entry_sha256, manifest, yanked, signature,"
                                    + " publisher_id, published_at) VALUES(?,?,?,?,?,?,?,?,0,?,?,?)",
                            pn.value(), pv.toString(), sha, archiveSize, m.kind().id(), m.entry(), entrySha,
                            new String(pkg.manifestJson(), StandardCharsets.UTF_8), signatureJson, who.id(), now);
                });
                snapshot = buildSnapshot();
                signIndex();
            }
            return new Published(pn.value(), pv.toString(), sha, size);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public synchronized void setYanked(String bearerToken, String name, String version, boolean yanked) {
        Publisher who = authenticate(bearerToken);
        PackageName pn = parseName(name);
        Version pv = parseVersion(version);
        if (!exists("SELECT 1 FROM versions WHERE package=? AND version=?", pn.value(), pv.toString())) {
            throw HubException.notFound("no version " + pn + "@" + pv + " on this hub");
        }
        if (!isOwner(pn, who)) {
            throw new HubException(403, "forbidden", "package " + pn + " is owned by another publisher; " + who.name() + " may not yank it");
        }
        inTransaction(() -> update("UPDATE versions SET yanked=? WHERE package=? AND version=?", yanked ? 1 : 0, pn.value(), pv.toString()));
        snapshot = buildSnapshot();
        signIndex();
    }

    private record Publisher(long id, String name) {}

    private static SignatureEnvelope parseSignature(String base64) {
        if (base64 == null || base64.isBlank()) return null;
        try {
            return SignatureEnvelope.parse(java.util.Base64.getDecoder().decode(base64.strip()));
        } catch (IllegalArgumentException e) {
            throw new HubException(400, "bad_signature", "the Ebpm-Signature header is not base64");
        } catch (TrustException e) {
            throw new HubException(400, "bad_signature", e.getMessage());
        }
    }

    /** Before the body is read: who signed, and for what. */
    private static void checkSigner(Publisher who, List<PublicKey> keys, SignatureEnvelope env, PackageName pn, Version pv) {
        if (env == null) {
            if (!keys.isEmpty()) {
                throw new HubException(400, "signature_required", "publisher " + who.name() + " has a registered signing key: "
                        + pn + "@" + pv + " must be signed with it (ebpm publish --key NAME)");
            }
            return;
        }
        if (keys.stream().noneMatch(k -> k.fingerprint().equals(env.key()))) {
            throw new HubException(403, "unknown_key", pn + "@" + pv + " is signed by key " + env.key().display() + ", which is not registered for publisher "
                    + who.name() + (keys.isEmpty() ? " (it has no key; the hub admin registers one with ebpm-hub publisher key)" : ""));
        }
        if (!env.name().equals(pn.value()) || !env.version().equals(pv.toString())) {
            throw new HubException(400, "bad_signature", "the signature is for " + env.packageId() + ", not for " + pn + "@" + pv);
        }
    }

    /** After unpacking: the signature verifies and covers this exact manifest. */
    private static void verifySignature(List<PublicKey> keys, SignatureEnvelope env, UnpackedPackage pkg) {
        SimpleKeyRing ring = new SimpleKeyRing();
        for (PublicKey k : keys) ring.trust(KeyRing.ANY_SOURCE, k);
        try {
            new Verifier(ring).verifyPackage(KeyRing.ANY_SOURCE, env, pkg.manifest(), pkg.manifestJson());
        } catch (TrustException e) {
            throw new HubException(e.reason() == TrustException.Reason.UNKNOWN_KEY ? 403 : 400,
                    e.reason() == TrustException.Reason.UNKNOWN_KEY ? "unknown_key" : "bad_signature", e.getMessage());
        }
    }

    private synchronized Publisher authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw new HubException(401, "unauthorized", "publishing needs a token: send Authorization: Bearer <token> (ebpm publish --token, or EBPM_TOKEN)");
        }
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT p.id, p.name FROM tokens t JOIN publishers p ON p.id=t.publisher_id WHERE t.token_sha256=?")) {
            ps.setString(1, Tokens.hash(token.strip()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new HubException(401, "unauthorized", "the token is not valid on this hub");
                return new Publisher(rs.getLong(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkCanPublish(Publisher who, PackageName pn, Version pv) {
        if (exists("SELECT 1 FROM packages WHERE name=?", pn.value()) && !isOwner(pn, who)) {
            throw new HubException(403, "forbidden", "package " + pn + " is owned by another publisher; " + who.name() + " may not publish it");
        }
        if (exists("SELECT 1 FROM versions WHERE package=? AND version=?", pn.value(), pv.toString())) {
            throw new HubException(409, "exists", pn + "@" + pv + " is already published; versions are immutable, publish a new version");
        }
    }

    private boolean isOwner(PackageName pn, Publisher who) {
        return exists("SELECT 1 FROM owners WHERE package=? AND publisher_id=?", pn.value(), who.id());
    }

    private HubException tooLarge(String what) {
        return new HubException(413, "too_large", "upload of " + what + " is over this hub's limit of " + maxUploadBytes + " bytes");
    }

    private static PackageName parseName(String s) {
        try {
            return PackageName.parse(s);
        } catch (InvalidPackageException e) {
            throw HubException.badRequest(e.getMessage());
        }
    }

    private static Version parseVersion(String s) {
        try {
            return Version.parse(s);
        } catch (InvalidPackageException e) {
            throw HubException.badRequest(e.getMessage());
        }
    }

    // ---- snapshot ---------------------------------------------------------------------------------------------

    private record Row(String pkg, Version version, String sha256, long size, String kind, String entry, String entrySha,
                       PackageManifest manifest, boolean yanked, String signature, String publishedAt) {}

    private Snapshot buildSnapshot() {
        Map<String, List<Row>> byName = new TreeMap<>();
        Map<String, List<String>> owners = new HashMap<>();
        try (Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT package, version, sha256, size, kind, entry, entry_sha256, manifest, yanked,"
                    + " signature, published_at FROM versions")) {
                while (rs.next()) {
                    Row r = new Row(rs.getString(1), Version.parse(rs.getString(2)), rs.getString(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), PackageManifest.parse(rs.getString(8).getBytes(StandardCharsets.UTF_8)),
                            rs.getInt(9) != 0, rs.getString(10), rs.getString(11));
                    byName.computeIfAbsent(r.pkg(), k -> new ArrayList<>()).add(r);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT o.package, p.name FROM owners o JOIN publishers p ON p.id=o.publisher_id ORDER BY p.name")) {
                while (rs.next()) owners.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the hub database: " + e.getMessage(), e);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, Document> docs = new HashMap<>();
        Map<String, StaticFile> statics = new HashMap<>();
        for (Map.Entry<String, List<Row>> e : byName.entrySet()) {
            List<Row> rows = e.getValue();
            rows.sort(Comparator.comparing(Row::version));
            Row latest = rows.get(rows.size() - 1);
            Row current = null;
            for (Row r : rows) if (!r.yanked()) current = r;
            Row about = current != null ? current : latest;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", e.getKey());
            p.put("description", about.manifest().description());
            p.put("keywords", about.manifest().keywords());
            p.put("license", about.manifest().license());
            p.put("homepage", about.manifest().homepage());
            p.put("owners", owners.getOrDefault(e.getKey(), List.of()));
            List<Map<String, Object>> versions = new ArrayList<>();
            for (Row r : rows) versions.add(versionJson(r));
            p.put("versions", versions);
            all.add(p);
            docs.put(e.getKey(), document(p));
            if (current != null) {
                String file = PackageKind.parse(current.kind()) == PackageKind.WASM ? "app.wasm" : "package.json";
                long size = current.manifest().files().get(current.entry()).size();
                String type = file.endsWith(".wasm") ? "application/wasm" : "application/json";
                statics.put(e.getKey() + "/" + file, new StaticFile(current.entrySha(), size, type));
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("protocol", PROTOCOL);
        index.put("packages", all);
        return new Snapshot(document(index), Map.copyOf(docs), Map.copyOf(statics));
    }

    private static Map<String, Object> versionJson(Row r) {
        PackageManifest m = r.manifest();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", r.version().toString());
        v.put("sha256", r.sha256());
        v.put("size", r.size());
        v.put("kind", r.kind());
        v.put("entry", r.entry());
        v.put("entry_sha256", r.entrySha());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("btf", m.requires().btf());
        req.put("ringbuf", m.requires().ringbuf());
        req.put("attach", m.requires().attach());
        req.put("min_kernel", m.requires().minKernel());
        v.put("requires", req);
        v.put("yanked", r.yanked());
        v.put("signature", r.signature() == null ? null : readTree(r.signature()));
        v.put("published_at", r.publishedAt());
        return v;
    }

    private static Object readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the signed index -------------------------------------------------------------------------------------

    /**
     * The signature of the current index ({@code /index.json.sig}). Re-signed (same version: same contents) when less
     * than {@link #RESIGN_BEFORE} of its validity remains, so a live hub never serves an expired index.
     */
    public IndexSignature indexSignature() {
        IndexSignature sig = indexSignature;
        if (sig != null && java.time.Duration.between(Instant.now(), sig.expires()).compareTo(RESIGN_BEFORE) > 0) return sig;
        synchronized (this) {
            signIndex();
            return indexSignature;
        }
    }

    /**
     * Signs the current index: the version goes up by one whenever its contents changed since the last signature (a
     * publish, a yank, an owner added), so clients can refuse an older one; an unchanged index keeps its version.
     */
    private synchronized void signIndex() {
        byte[] index = snapshot.index().json();
        String sha = Digests.sha256Hex(index);
        Instant now = Instant.now();
        try {
            long version = 0;
            String lastSha = null;
            Instant lastExpiry = null;
            String lastEnvelope = null;
            try (Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, index_sha256, expires_at, envelope FROM index_signature WHERE id=1")) {
                if (rs.next()) {
                    version = rs.getLong(1);
                    lastSha = rs.getString(2);
                    lastExpiry = Instant.parse(rs.getString(3));
                    lastEnvelope = rs.getString(4);
                }
            }
            if (sha.equals(lastSha) && java.time.Duration.between(now, lastExpiry).compareTo(RESIGN_BEFORE) > 0) {
                IndexSignature last = IndexSignature.parse(lastEnvelope.getBytes(StandardCharsets.UTF_8));
                if (last.key().equals(hubKey.fingerprint())) {
                    indexSignature = last;
                    return;
                }
            }
            long next = sha.equals(lastSha) ? version : version + 1;
            IndexSignature sig = IndexSignature.sign(hubKey, index, next, now.plus(INDEX_VALIDITY));
            update("INSERT INTO index_signature(id, version, index_sha256, expires_at, envelope) VALUES(1,?,?,?,?)"
                            + " ON CONFLICT(id) DO UPDATE SET version=excluded.version, index_sha256=excluded.index_sha256,"
                            + " expires_at=excluded.expires_at, envelope=excluded.envelope",
                    next, sha, sig.expires().toString(), sig.toJsonString());
            indexSignature = sig;
        } catch (SQLException e) {
            throw new IllegalStateException("hub database: " + e.getMessage(), e);
        }
    }

    private static Document document(Object tree) {
        try {
            byte[] json = JSON.writeValueAsBytes(tree);
            return new Document(json, "\"" + Digests.sha256Hex(json).substring(0, 32) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- SQL helpers ------------------------------------------------------------------------------------------

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(SqlWork w) {
        try {
            db.setAutoCommit(false);
            try {
                w.run();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("hub database: " + e.getMessage(), e);
        }
    }

    private long publisherId(String name, boolean create) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT id FROM publishers WHERE name=?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) return rs.getLong(1);
            }
        }
        if (!create) throw new IllegalArgumentException("no publisher " + name);
        update("INSERT INTO publishers(name, created_at) VALUES(?,?)", name, now());
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void insertBlob(String sha, long size, String now) throws SQLException {
        update("INSERT OR IGNORE INTO blobs(sha256, size, created_at) VALUES(?,?,?)", sha, size, now);
    }

    private void update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    private synchronized boolean exists(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("hub database: " + e.getMessage(), e);
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing; nothing left to protect
        }
    }
}
