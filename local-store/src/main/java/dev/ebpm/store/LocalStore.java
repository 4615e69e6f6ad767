package dev.ebpm.store;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * The local package store: metadata in SQLite ({@code store.db}, WAL, foreign keys on) and file contents in a
 * {@link BlobStore}. Every change that touches blobs runs inside a {@code BEGIN IMMEDIATE} transaction, so the SQLite
 * write lock also serializes blob writes against gc and uninstall across processes. Blobs are made durable before the
 * metadata that names them is committed; a crash at any point leaves at worst unreferenced blobs, which {@link #gc()}
 * removes. Not thread-safe beyond its own synchronized methods; open one per process.
 */
public final class LocalStore implements AutoCloseable {
    public static final String DATABASE = "store.db";
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final Path root;
    private final Path database;
    private final Connection db;
    private final BlobStore blobs;

    private LocalStore(Path root, Path database, Connection db, BlobStore blobs) {
        this.root = root;
        this.database = database;
        this.db = db;
        this.blobs = blobs;
    }

    /** Opens (creating if needed) the store at {@code root}, with the busy timeout from {@code EBPM_BUSY_TIMEOUT_MS} or 10 s. */
    public static LocalStore open(Path root) {
        String ms = System.getenv("EBPM_BUSY_TIMEOUT_MS");
        return open(root, ms == null ? DEFAULT_BUSY_TIMEOUT : Duration.ofMillis(Long.parseLong(ms)));
    }

    public static LocalStore open(Path root, Duration busyTimeout) {
        Path dir = root.toAbsolutePath().normalize();
        Path dbFile = dir.resolve(DATABASE);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create store directory " + dir + ": " + describe(e), e);
        }
        checkWritable(dir);
        Connection c;
        try {
            SQLiteConfig cfg = new SQLiteConfig();
            cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
            c = DriverManager.getConnection("jdbc:sqlite:" + dbFile, cfg.toProperties());
        } catch (SQLException e) {
            throw translate(dir, dbFile, e);
        }
        LocalStore store = new LocalStore(dir, dbFile, c, new BlobStore(dir));
        try {
            store.initialize();
            return store;
        } catch (RuntimeException e) {
            store.closeQuietly();
            throw e;
        }
    }

    private void initialize() {
        try (Statement st = db.createStatement()) {
            // check the version before writing anything: a newer schema must stay untouched
            int version = userVersion(st);
            if (version > Migrations.LATEST) {
                throw new StoreException("store schema v" + version + " is newer than this ebpm (v" + Migrations.LATEST + "); upgrade ebpm (store: " + root + ")");
            }
            st.execute("PRAGMA journal_mode = WAL");
            // FULL: a commit is durable once it returns, not just consistent
            st.execute("PRAGMA synchronous = FULL");
            st.execute("PRAGMA foreign_keys = ON");
            if (version < Migrations.LATEST) {
                begin(st);
                try {
                    int now = userVersion(st);
                    if (now > Migrations.LATEST) {
                        throw new StoreException("store schema v" + now + " is newer than this ebpm (v" + Migrations.LATEST + "); upgrade ebpm (store: " + root + ")");
                    }
                    Migrations.apply(db, now);
                    if (now == 0) {
                        try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta(key, value) VALUES ('created_at', ?)")) {
                            ps.setString(1, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                            ps.executeUpdate();
                        }
                    }
                    st.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    rollback();
                    throw e;
                }
            }
            blobs.createDirectories();
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw new StoreException("cannot create blob directories in " + root + ": " + describe(e), e);
        }
    }

    private static int userVersion(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void checkWritable(Path dir) {
        // Files.isWritable says yes to root even on a read-only mount or immutable directory; try it instead
        try {
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StoreException("store directory " + dir + " is not writable (" + describe(e) + "); use --store or EBPM_HOME to pick another", e);
        }
    }

    public Path root() {
        return root;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** The runs table: programs started with {@code ebpm run -d}. */
    public RunTable runs() {
        return new RunTable(this);
    }

    /** For {@link RunTable}: the connection, and the store's lock to hold while using it. */
    Connection connection() {
        return db;
    }

    StoreException translate(SQLException e) {
        return translate(root, database, e);
    }

    // ---- install ----------------------------------------------------------------------------------------------

    public InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, InstallSource source, String signatureStatus) {
        return install(pkg, archiveBytesOrNull, source, signatureStatus, false);
    }

    public InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, InstallSource source, String signatureStatus,
                                 boolean allowUnsigned) {
        return install(pkg, archiveBytesOrNull, source, new SignatureRecord(signatureStatus, null, null, allowUnsigned));
    }

    /**
     * Installs a verified package: blobs first (each durable before it is named), then all metadata in one
     * transaction. The installed version becomes the package's current version. Installing a version that is already
     * installed with the same ebpm.json is a no-op; with a different ebpm.json it is refused.
     */
    public synchronized InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, InstallSource source,
                                              SignatureRecord signature) {
        PackageManifest m = pkg.manifest();
        byte[] manifestJson = pkg.manifestJson();
        String manifestSha = Digests.sha256Hex(manifestJson);
        try {
            if (alreadyInstalled(m, manifestSha)) {
                return new InstallResult(m.name(), m.version(), true, 0, 0);
            }
            try (Statement st = db.createStatement()) {
                begin(st);
                try {
                    if (alreadyInstalled(m, manifestSha)) {
                        rollback();
                        return new InstallResult(m.name(), m.version(), true, 0, 0);
                    }
                    int written = 0;
                    long bytes = 0;
                    for (Map.Entry<String, PackageManifest.FileEntry> f : m.files().entrySet()) {
                        byte[] data = pkg.bytes(f.getKey());
                        if (blobs.put(f.getValue().sha256(), data)) {
                            written++;
                            bytes += data.length;
                        }
                    }
                    String archiveSha = null;
                    if (archiveBytesOrNull != null) {
                        archiveSha = Digests.sha256Hex(archiveBytesOrNull);
                        if (blobs.put(archiveSha, archiveBytesOrNull)) {
                            written++;
                            bytes += archiveBytesOrNull.length;
                        }
                    }
                    insertMetadata(m, manifestJson, manifestSha, archiveSha, archiveBytesOrNull, source, signature);
                    CrashHook.reach(CrashHook.BEFORE_COMMIT);
                    st.execute("COMMIT");
                    CrashHook.reach(CrashHook.AFTER_COMMIT);
                    return new InstallResult(m.name(), m.version(), false, written, bytes);
                } catch (SQLException | IOException | RuntimeException e) {
                    rollback();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw new StoreException("cannot write blobs for " + m.id() + " in " + root + ": " + describe(e), e);
        }
    }

    private boolean alreadyInstalled(PackageManifest m, String manifestSha) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT v.manifest_sha256 FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.name = ? AND v.version = ?")) {
            ps.setString(1, m.name().value());
            ps.setString(2, m.version().toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                String installed = rs.getString(1);
                if (!installed.equals(manifestSha)) {
                    throw new StoreException(m.id() + " is already installed with different contents (ebpm.json sha256 "
                            + installed.substring(0, 12) + "... installed, " + manifestSha.substring(0, 12) + "... offered); uninstall it first");
                }
                return true;
            }
        }
    }

    private void insertMetadata(PackageManifest m, byte[] manifestJson, String manifestSha, String archiveSha, byte[] archive,
                                InstallSource source, SignatureRecord sig) throws SQLException {
        long packageId;
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO packages(name) VALUES (?) ON CONFLICT(name) DO NOTHING")) {
            ps.setString(1, m.name().value());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT id FROM packages WHERE name = ?")) {
            ps.setString(1, m.name().value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                packageId = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE versions SET is_current = 0 WHERE package_id = ? AND is_current = 1")) {
            ps.setLong(1, packageId);
            ps.executeUpdate();
        }
        long versionId;
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO versions(package_id, version, kind, description, total_size, file_count, manifest_json,
                                     manifest_sha256, archive_sha256, archive_size, sort_key, is_current)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""")) {
            ps.setLong(1, packageId);
            ps.setString(2, m.version().toString());
            ps.setString(3, m.kind().id());
            ps.setString(4, m.description());
            ps.setLong(5, m.totalSize());
            ps.setInt(6, m.files().size());
            ps.setBytes(7, manifestJson);
            ps.setString(8, manifestSha);
            ps.setString(9, archiveSha);
            if (archive == null) ps.setNull(10, java.sql.Types.INTEGER); else ps.setLong(10, archive.length);
            ps.setString(11, VersionSortKey.of(m.version()));
            ps.executeUpdate();
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            versionId = rs.getLong(1);
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO files(version_id, path, digest, size) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, PackageManifest.FileEntry> f : m.files().entrySet()) {
                ps.setLong(1, versionId);
                ps.setString(2, f.getKey());
                ps.setString(3, f.getValue().sha256());
                ps.setLong(4, f.getValue().size());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO installs(version_id, installed_at, source_kind, source, signature_status, allow_unsigned, signature, trust_source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, versionId);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, source.kind().id());
            ps.setString(4, source.location());
            ps.setString(5, sig.status() == null ? "unknown" : sig.status());
            ps.setInt(6, sig.allowUnsigned() ? 1 : 0);
            ps.setString(7, sig.envelopeJson());
            ps.setString(8, sig.trustSource());
            ps.executeUpdate();
        }
    }

    /** The installed version whose archive had this SHA-256, if any (lets a re-install skip unpacking). */
    public synchronized Optional<InstalledVersion> findByArchive(String archiveSha256) {
        return query(SELECT_INSTALLED + " WHERE v.archive_sha256 = ?", archiveSha256).stream().findFirst();
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    private static final String SELECT_INSTALLED = """
            SELECT p.name, v.version, v.is_current, v.kind, v.description, v.total_size, v.file_count,
                   i.installed_at, i.source_kind, i.source, i.signature_status, i.allow_unsigned,
                   v.manifest_sha256, v.archive_sha256, v.id
            FROM versions v JOIN packages p ON p.id = v.package_id LEFT JOIN installs i ON i.version_id = v.id""";

    private List<InstalledVersion> query(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            List<InstalledVersion> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(installedVersion(rs));
            }
            return out;
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    private static InstalledVersion installedVersion(ResultSet rs) throws SQLException {
        long at = rs.getLong(8);
        boolean hasInstall = !rs.wasNull();
        String kind = rs.getString(9);
        return new InstalledVersion(
                PackageName.parse(rs.getString(1)),
                Version.parse(rs.getString(2)),
                rs.getInt(3) == 1,
                PackageKind.parse(rs.getString(4)),
                rs.getString(5),
                rs.getLong(6),
                rs.getInt(7),
                hasInstall ? Instant.ofEpochMilli(at) : null,
                kind == null ? null : new InstallSource(InstallSource.Kind.parse(kind), rs.getString(10)),
                rs.getString(11),
                rs.getInt(12) == 1,
                rs.getString(13),
                rs.getString(14));
    }

    /** Every installed version, by name then version. */
    public synchronized List<InstalledVersion> list() {
        return query(SELECT_INSTALLED + " ORDER BY p.name, v.sort_key");
    }

    /**
     * The same as {@link #list()} as a JSON array, one object per line, rendered by SQLite in one query: for
     * thousands of packages this is about ten times faster in a fresh JVM than reading rows through JDBC. Returns
     * UTF-8 bytes, ready to write out without decoding.
     */
    public synchronized byte[] listJson() {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT group_concat(json_object(
                         'name', p.name, 'version', v.version, 'current', json(iif(v.is_current, 'true', 'false')),
                         'kind', v.kind, 'description', v.description, 'size', v.total_size, 'files', v.file_count,
                         'installed_at', strftime('%Y-%m-%dT%H:%M:%fZ', i.installed_at / 1000.0, 'unixepoch'),
                         'source', iif(i.source_kind IS NULL, NULL, json_object('kind', i.source_kind, 'location', i.source)),
                         'signature', i.signature_status, 'allow_unsigned', json(iif(i.allow_unsigned, 'true', 'false')),
                         'manifest_sha256', v.manifest_sha256, 'archive_sha256', v.archive_sha256),
                       ',' || char(10) ORDER BY p.name, v.sort_key)
                FROM versions v JOIN packages p ON p.id = v.package_id LEFT JOIN installs i ON i.version_id = v.id""")) {
            byte[] rows = rs.next() ? rs.getBytes(1) : null;
            if (rows == null) return "[]\n".getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[rows.length + 5];
            out[0] = '[';
            out[1] = '\n';
            System.arraycopy(rows, 0, out, 2, rows.length);
            out[out.length - 3] = '\n';
            out[out.length - 2] = ']';
            out[out.length - 1] = '\n';
            return out;
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    /** All installed versions of {@code name}, lowest first; empty if not installed. */
    public synchronized List<InstalledVersion> versions(PackageName name) {
        return query(SELECT_INSTALLED + " WHERE p.name = ? ORDER BY v.sort_key", name.value());
    }

    /** The current version if {@code rangeOrNull} is null, else the highest installed version it matches. */
    public synchronized Optional<InstalledVersion> resolveInstalled(PackageName name, VersionRange rangeOrNull) {
        List<InstalledVersion> vs = versions(name);
        if (rangeOrNull == null) {
            return vs.stream().filter(InstalledVersion::current).findFirst();
        }
        return vs.stream().filter(v -> rangeOrNull.matches(v.version())).max(Comparator.comparing(InstalledVersion::version));
    }

    /** Manifest and install record of {@code name} at {@code versionOrNull} (null: the current version). */
    public synchronized PackageInfo info(PackageName name, Version versionOrNull) {
        List<InstalledVersion> vs = versions(name);
        InstalledVersion v = pick(name, versionOrNull, vs);
        byte[] json;
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT v.manifest_json FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.name = ? AND v.version = ?")) {
            ps.setString(1, name.value());
            ps.setString(2, v.version().toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw notInstalled(name, versionOrNull, List.of());
                json = rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
        PackageManifest manifest;
        try {
            manifest = PackageManifest.parse(json);
        } catch (InvalidPackageException e) {
            throw new StoreException("stored manifest of " + v.id() + " is invalid (" + e.getMessage() + "); run 'ebpm cache verify'");
        }
        return new PackageInfo(v, manifest, vs.stream().map(InstalledVersion::version).toList());
    }

    private InstalledVersion pick(PackageName name, Version versionOrNull, List<InstalledVersion> vs) {
        for (InstalledVersion v : vs) {
            if (versionOrNull == null ? v.current() : v.version().toString().equals(versionOrNull.toString())) return v;
        }
        throw notInstalled(name, versionOrNull, vs);
    }

    private static PackageNotInstalledException notInstalled(PackageName name, Version v, List<InstalledVersion> vs) {
        if (v == null || vs.isEmpty()) return new PackageNotInstalledException(name + " is not installed");
        return new PackageNotInstalledException(name + "@" + v + " is not installed (installed: "
                + String.join(", ", vs.stream().map(x -> x.version().toString()).toList()) + ")");
    }

    /** A file of an installed package, re-hashed before it is returned. */
    public synchronized byte[] openFile(PackageName name, Version versionOrNull, String path) {
        InstalledVersion v = pick(name, versionOrNull, versions(name));
        String digest;
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT f.digest FROM files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id
                WHERE p.name = ? AND v.version = ? AND f.path = ?""")) {
            ps.setString(1, name.value());
            ps.setString(2, v.version().toString());
            ps.setString(3, path);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new PackageNotInstalledException(v.id() + " has no file \"" + path + "\"");
                digest = rs.getString(1);
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
        try {
            return blobs.get(digest, v.id() + ":" + path);
        } catch (IOException e) {
            throw new StoreException("cannot read blob " + digest + " for " + v.id() + ":" + path + ": " + describe(e), e);
        }
    }

    /** The exact ebpm.json bytes stored for {@code name@version} (what a signature covers). */
    public synchronized byte[] manifestJson(PackageName name, Version version) {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT v.manifest_json FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.name = ? AND v.version = ?")) {
            ps.setString(1, name.value());
            ps.setString(2, version.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw notInstalled(name, version, versions(name));
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    /** How {@code name@version} was vouched for when installed. */
    public synchronized SignatureRecord signature(PackageName name, Version version) {
        try (PreparedStatement ps = db.prepareStatement("""
                SELECT i.signature_status, i.signature, i.trust_source, i.allow_unsigned
                FROM installs i JOIN versions v ON v.id = i.version_id JOIN packages p ON p.id = v.package_id
                WHERE p.name = ? AND v.version = ?""")) {
            ps.setString(1, name.value());
            ps.setString(2, version.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return new SignatureRecord(SignatureRecord.UNSIGNED, null, null, false);
                return new SignatureRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1);
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    /**
     * Re-hashes every file of {@code name@version} against the digests its manifest lists and returns the bytes of
     * {@code entry}: the entry is read and hashed once, the other files are hashed streaming. A mismatch or a missing
     * blob is a {@link CorruptBlobException}.
     */
    public synchronized byte[] verifiedEntry(PackageName name, Version version, PackageManifest manifest) {
        byte[] entry = null;
        try {
            for (Map.Entry<String, PackageManifest.FileEntry> f : manifest.files().entrySet()) {
                String digest = f.getValue().sha256();
                String what = name + "@" + version + ":" + f.getKey();
                if (f.getKey().equals(manifest.entry())) {
                    entry = blobs.get(digest, what);
                } else {
                    VerifyReport.BlobState s = blobs.verify(digest, f.getValue().size());
                    if (s == VerifyReport.BlobState.MISSING) {
                        throw new CorruptBlobException(digest, what, "blob sha256:" + digest + " for " + what + " is missing from the store; run 'ebpm cache verify --repair' and reinstall");
                    }
                    if (s != VerifyReport.BlobState.OK) {
                        throw new CorruptBlobException(digest, what, "blob sha256:" + digest + " for " + what + " is corrupt (changed on disk since install); run 'ebpm cache verify --repair' and reinstall");
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot read blobs of " + name + "@" + version + ": " + describe(e), e);
        }
        if (entry == null) throw new StoreException(name + "@" + version + ": entry " + manifest.entry() + " is not among its files");
        return entry;
    }

    /** Keys, revocations and hub index freshness. */
    public TrustedKeys trust() {
        return new TrustedKeys(this, db);
    }

    /** One write statement in its own transaction (autocommit). */
    void write(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    // ---- removal ----------------------------------------------------------------------------------------------

    /** Removes one version, or every version if {@code versionOrNull} is null; returns what was removed (name@version). */
    public synchronized List<String> uninstall(PackageName name, Version versionOrNull) {
        List<InstalledVersion> vs = versions(name);
        List<InstalledVersion> doomed = versionOrNull == null ? vs : List.of(pick(name, versionOrNull, vs));
        if (doomed.isEmpty()) throw notInstalled(name, null, vs);
        Set<String> digests;
        try (Statement st = db.createStatement()) {
            begin(st);
            try {
                digests = removeVersions(doomed.stream().map(InstalledVersion::id).toList());
                st.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
        deleteUnreferenced(digests);
        return doomed.stream().map(InstalledVersion::id).toList();
    }

    /** Deletes versions (name@version) inside the caller's transaction, re-electing current; returns the digests they used. */
    private Set<String> removeVersions(Collection<String> ids) throws SQLException {
        Set<String> digests = new HashSet<>();
        Set<Long> packages = new HashSet<>();
        for (String id : ids) {
            int at = id.indexOf('@');
            String name = id.substring(0, at);
            String version = id.substring(at + 1);
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT v.id, v.package_id, v.archive_sha256 FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.name = ? AND v.version = ?")) {
                ps.setString(1, name);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) continue;
                    long versionId = rs.getLong(1);
                    packages.add(rs.getLong(2));
                    if (rs.getString(3) != null) digests.add(rs.getString(3));
                    try (PreparedStatement fs = db.prepareStatement("SELECT digest FROM files WHERE version_id = ?")) {
                        fs.setLong(1, versionId);
                        try (ResultSet f = fs.executeQuery()) {
                            while (f.next()) digests.add(f.getString(1));
                        }
                    }
                    try (PreparedStatement del = db.prepareStatement("DELETE FROM versions WHERE id = ?")) {
                        del.setLong(1, versionId);
                        del.executeUpdate();
                    }
                }
            }
        }
        for (long pkg : packages) electCurrent(pkg);
        return digests;
    }

    /** After removals: a package with no versions goes; one without a current version gets its highest as current. */
    private void electCurrent(long packageId) throws SQLException {
        Map<Long, Version> remaining = new HashMap<>();
        boolean hasCurrent = false;
        try (PreparedStatement ps = db.prepareStatement("SELECT id, version, is_current FROM versions WHERE package_id = ?")) {
            ps.setLong(1, packageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    remaining.put(rs.getLong(1), Version.parse(rs.getString(2)));
                    hasCurrent |= rs.getInt(3) == 1;
                }
            }
        }
        if (remaining.isEmpty()) {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM packages WHERE id = ?")) {
                ps.setLong(1, packageId);
                ps.executeUpdate();
            }
        } else if (!hasCurrent) {
            long best = remaining.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            try (PreparedStatement ps = db.prepareStatement("UPDATE versions SET is_current = 1 WHERE id = ?")) {
                ps.setLong(1, best);
                ps.executeUpdate();
            }
        }
    }

    /** Deletes those of {@code digests} that no version references any more, under the write lock. */
    private void deleteUnreferenced(Collection<String> digests) {
        if (digests.isEmpty()) return;
        try (Statement st = db.createStatement()) {
            begin(st);
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT EXISTS(SELECT 1 FROM files WHERE digest = ?1) OR EXISTS(SELECT 1 FROM versions WHERE archive_sha256 = ?1)")) {
                for (String d : digests) {
                    ps.setString(1, d);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 0) blobs.delete(d);
                    }
                }
            } finally {
                rollback();
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw new StoreException("cannot delete blobs in " + root + ": " + describe(e), e);
        }
    }

    // ---- maintenance ------------------------------------------------------------------------------------------

    /** Deletes blobs no installed version references and leftover temp files. */
    public synchronized GcReport gc() {
        try (Statement st = db.createStatement()) {
            begin(st);
            try {
                Set<String> referenced = referencedDigests().keySet();
                int deleted = 0;
                long freed = 0;
                for (String d : blobs.list()) {
                    if (!referenced.contains(d)) {
                        freed += blobs.delete(d);
                        deleted++;
                    }
                }
                int temps = blobs.deleteTempFiles();
                return new GcReport(deleted, freed, temps);
            } finally {
                rollback();
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw new StoreException("gc failed in " + root + ": " + describe(e), e);
        }
    }

    private record Reference(long size, Set<String> versions) {
    }

    /** digest -> expected size and the versions (name@version) using it. */
    private Map<String, Reference> referencedDigests() throws SQLException {
        Map<String, Reference> out = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT f.digest, f.size, p.name || '@' || v.version
                FROM files f JOIN versions v ON v.id = f.version_id JOIN packages p ON p.id = v.package_id
                UNION ALL
                SELECT v.archive_sha256, v.archive_size, p.name || '@' || v.version
                FROM versions v JOIN packages p ON p.id = v.package_id WHERE v.archive_sha256 IS NOT NULL""")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), d -> new Reference(readSize(rs), new LinkedHashSet<>())).versions().add(rs.getString(3));
            }
        }
        return out;
    }

    private static long readSize(ResultSet rs) {
        try {
            return rs.getLong(2);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Checks the database and re-hashes every referenced blob; changes nothing. */
    public VerifyReport verify() {
        return verify(false);
    }

    /**
     * Checks the database and re-hashes every referenced blob. With {@code repair}, versions using a missing or corrupt
     * blob are removed from the store (so they can be reinstalled) and the corrupt blobs deleted.
     */
    public synchronized VerifyReport verify(boolean repair) {
        try {
            String dbCheck = databaseCheck();
            Map<String, Reference> refs = referencedDigests();
            List<VerifyReport.Problem> problems = new ArrayList<>();
            for (Map.Entry<String, Reference> e : refs.entrySet()) {
                VerifyReport.BlobState s = blobs.verify(e.getKey(), e.getValue().size());
                if (s != VerifyReport.BlobState.OK) {
                    problems.add(new VerifyReport.Problem(e.getKey(), s, List.copyOf(e.getValue().versions())));
                }
            }
            int unreferenced = 0;
            for (String d : blobs.list()) if (!refs.containsKey(d)) unreferenced++;
            List<String> removed = List.of();
            if (repair && !problems.isEmpty()) removed = repair(problems);
            return new VerifyReport(dbCheck, refs.size(), problems, removed, unreferenced);
        } catch (SQLException e) {
            throw translate(root, database, e);
        } catch (IOException e) {
            throw new StoreException("verify failed in " + root + ": " + describe(e), e);
        }
    }

    private String databaseCheck() throws SQLException {
        List<String> issues = new ArrayList<>();
        try (Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                while (rs.next()) if (!"ok".equals(rs.getString(1))) issues.add(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("PRAGMA foreign_key_check")) {
                while (rs.next()) issues.add("foreign key violation in table " + rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT p.name FROM packages p WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.package_id = p.id AND v.is_current = 1)")) {
                while (rs.next()) issues.add("package " + rs.getString(1) + " has no current version");
            }
        }
        return issues.isEmpty() ? "ok" : String.join("; ", issues);
    }

    private List<String> repair(List<VerifyReport.Problem> problems) throws SQLException, IOException {
        Set<String> versions = new LinkedHashSet<>();
        Set<String> bad = new LinkedHashSet<>();
        try (Statement st = db.createStatement()) {
            begin(st);
            try {
                // re-check under the lock: another process may have repaired or removed it meanwhile
                Map<String, Reference> refs = referencedDigests();
                for (VerifyReport.Problem p : problems) {
                    Reference r = refs.get(p.digest());
                    if (r == null || blobs.verify(p.digest(), r.size()) == VerifyReport.BlobState.OK) continue;
                    versions.addAll(r.versions());
                    bad.add(p.digest());
                }
                removeVersions(versions);
                st.execute("COMMIT");
            } catch (SQLException | IOException | RuntimeException e) {
                rollback();
                throw e;
            }
        }
        for (String d : bad) blobs.delete(d);
        return List.copyOf(versions);
    }

    // ---- config -----------------------------------------------------------------------------------------------

    public synchronized Optional<String> config(String key) {
        try (PreparedStatement ps = db.prepareStatement("SELECT value FROM config WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    /** Sets {@code key}; a null value removes it. */
    public synchronized void setConfig(String key, String valueOrNull) {
        String sql = valueOrNull == null ? "DELETE FROM config WHERE key = ?"
                : "INSERT INTO config(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, key);
            if (valueOrNull != null) ps.setString(2, valueOrNull);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    public synchronized Map<String, String> configAll() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM config ORDER BY key")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            return out;
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    public synchronized int schemaVersion() {
        try (Statement st = db.createStatement()) {
            return userVersion(st);
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private void begin(Statement st) throws SQLException {
        st.execute("BEGIN IMMEDIATE");
    }

    private void rollback() {
        try (Statement st = db.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction open (already committed or never begun)
        }
    }

    static StoreException translate(Path root, Path dbFile, SQLException e) {
        int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xff : e.getErrorCode() & 0xff;
        String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return switch (code) {
            case 5, 6 -> new StoreBusyException("store " + root + " is busy (another ebpm holds the lock); try again", e);
            case 11, 26 -> new StoreException("store database " + dbFile + " is corrupted (" + msg
                    + "); it was left untouched: move it aside to start a fresh store, blobs stay in " + root.resolve("blobs"), e);
            case 8 -> new StoreException("store database " + dbFile + " is read-only (" + msg + "); use --store or EBPM_HOME to pick a writable store", e);
            case 14 -> new StoreException("cannot open store database " + dbFile + " (" + msg + ")", e);
            case 13 -> new StoreException("disk full while writing store " + root, e);
            default -> new StoreException("store database " + dbFile + ": " + msg, e);
        };
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file is in the way";
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private void closeQuietly() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing after a failed open
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw translate(root, database, e);
        }
    }
}
