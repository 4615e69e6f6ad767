package dev.ebpm.store;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs and uninstalls: blobs made durable first, then every row in one {@code BEGIN IMMEDIATE} transaction, so the
 * SQLite write lock also serializes blob writes against gc and uninstall across processes. From {@link LocalStore#installs()}.
 */
public final class InstallWriter {
    private final LocalStore store;
    private final Connection db;

    InstallWriter(LocalStore store) {
        this.store = store;
        this.db = store.connection();
    }

    /**
     * Installs a verified package: blobs first (each durable before it is named), then all metadata in one
     * transaction. The installed version becomes the package's current version. Installing a version that is already
     * installed with the same ebpm.json is a no-op; with a different ebpm.json it is refused.
     */
    public synchronized InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, InstallSource source,
                                              SignatureRecord signature) {
        return install(pkg, archiveBytesOrNull, source, signature, List.of());
    }

    /**
     * {@link #install(UnpackedPackage, byte[], InstallSource, SignatureRecord)} of a package pulled from an OCI registry
     * or layout, with the objects it came as: each is re-hashed while it is copied into the store (a blob the package
     * already wrote is not written twice), and recorded in {@code oci_objects} in the same transaction.
     */
    public synchronized InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, InstallSource source,
                                              SignatureRecord signature, List<OciObject> objects) {
        return install(pkg, archiveBytesOrNull, null, source, signature, objects);
    }

    /**
     * {@link #install(UnpackedPackage, byte[], InstallSource, SignatureRecord, List)} with the archive as a file the
     * package was just unpacked from ({@code archiveSha256} computed while unpacking it): linked or copied into the
     * store, never held in memory.
     */
    public synchronized InstallResult install(UnpackedPackage pkg, Path archiveFile, String archiveSha256, InstallSource source,
                                              SignatureRecord signature, List<OciObject> objects) {
        return install(pkg, null, new OciObject("sha256:" + archiveSha256, "application/gzip", -1, "archive", archiveFile), source, signature, objects);
    }

    private InstallResult install(UnpackedPackage pkg, byte[] archiveBytesOrNull, OciObject archiveFile, InstallSource source,
                                  SignatureRecord signature, List<OciObject> objects) {
        PackageManifest m = pkg.manifest();
        byte[] manifestJson = pkg.manifestJson();
        String manifestSha = Digests.sha256Hex(manifestJson);
        try {
            if (alreadyInstalled(m, manifestSha)) {
                return new InstallResult(m.name(), m.version(), true, 0, 0);
            }
            try (Statement st = db.createStatement()) {
                LocalStore.begin(st);
                try {
                    if (alreadyInstalled(m, manifestSha)) {
                        store.rollback();
                        return new InstallResult(m.name(), m.version(), true, 0, 0);
                    }
                    int written = 0;
                    long bytes = 0;
                    Set<String> done = new HashSet<>();
                    for (Map.Entry<String, PackageManifest.FileEntry> f : m.files().entrySet()) {
                        // an unpacked package's files were hashed against its manifest when it was made
                        byte[] data = pkg.bytes(f.getKey());
                        if (done.add(f.getValue().sha256()) && store.blobs().putHashed(f.getValue().sha256(), data)) {
                            written++;
                            bytes += data.length;
                        }
                    }
                    String archiveSha = null;
                    long archiveSize = -1;
                    if (archiveFile != null) {
                        archiveSha = archiveFile.hex();
                        archiveSize = Files.size(archiveFile.file());
                        if (done.add(archiveSha) && store.blobs().putFile(archiveSha, archiveFile.file(), true)) {
                            written++;
                            bytes += archiveSize;
                        }
                    } else if (archiveBytesOrNull != null) {
                        archiveSha = Digests.sha256Hex(archiveBytesOrNull);
                        archiveSize = archiveBytesOrNull.length;
                        if (done.add(archiveSha) && store.blobs().put(archiveSha, archiveBytesOrNull)) {
                            written++;
                            bytes += archiveBytesOrNull.length;
                        }
                    }
                    for (OciObject o : objects) {
                        if (done.add(o.hex()) && store.blobs().putFile(o.hex(), o.file(), false)) {
                            written++;
                            bytes += o.size();
                        }
                    }
                    long versionId = insertMetadata(m, manifestJson, manifestSha, archiveSha, archiveSize, source, signature);
                    insertOciObjects(versionId, objects);
                    CrashHook.reach(CrashHook.BEFORE_COMMIT);
                    st.execute("COMMIT");
                    CrashHook.reach(CrashHook.AFTER_COMMIT);
                    return new InstallResult(m.name(), m.version(), false, written, bytes);
                } catch (SQLException | IOException | RuntimeException e) {
                    store.rollback();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw store.translate(e);
        } catch (IOException e) {
            throw LocalStore.failed(store.root(), "cannot write blobs for " + m.id() + " in " + store.root(), e);
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

    private void insertOciObjects(long versionId, List<OciObject> objects) throws SQLException {
        if (objects.isEmpty()) return;
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO oci_objects(version_id, digest, media_type, size, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (OciObject o : objects) {
                ps.setLong(1, versionId);
                ps.setString(2, o.hex());
                ps.setString(3, o.mediaType());
                ps.setLong(4, o.size());
                ps.setString(5, o.role());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private long insertMetadata(PackageManifest m, byte[] manifestJson, String manifestSha, String archiveSha, long archiveSize,
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
            if (archiveSha == null) ps.setNull(10, java.sql.Types.INTEGER); else ps.setLong(10, archiveSize);
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
        return versionId;
    }


    /** Removes one version, or every version if {@code versionOrNull} is null; returns what was removed (name@version). */
    public List<String> uninstall(PackageName name, Version versionOrNull) {
        synchronized (store) {
            List<InstalledVersion> vs = store.packages().versions(name);
            List<InstalledVersion> doomed = versionOrNull == null ? vs : List.of(InstalledPackages.pick(name, versionOrNull, vs));
            if (doomed.isEmpty()) throw InstalledPackages.notInstalled(name, null, vs);
            Set<String> digests;
            try (Statement st = db.createStatement()) {
                LocalStore.begin(st);
                try {
                    digests = removeVersions(doomed.stream().map(InstalledVersion::id).toList());
                    st.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    store.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
            deleteUnreferenced(digests);
            return doomed.stream().map(InstalledVersion::id).toList();
        }
    }

    /** Deletes versions (name@version) inside the caller's transaction, re-electing current; returns the digests they used. */
    Set<String> removeVersions(Collection<String> ids) throws SQLException {
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
                    try (PreparedStatement fs = db.prepareStatement("SELECT digest FROM files WHERE version_id = ?1 UNION SELECT digest FROM oci_objects WHERE version_id = ?1")) {
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
            LocalStore.begin(st);
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT EXISTS(SELECT 1 FROM files WHERE digest = ?1) OR EXISTS(SELECT 1 FROM versions WHERE archive_sha256 = ?1)"
                    + " OR EXISTS(SELECT 1 FROM oci_objects WHERE digest = ?1)")) {
                for (String d : digests) {
                    ps.setString(1, d);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 0) store.blobs().delete(d);
                    }
                }
            } finally {
                store.rollback();
            }
        } catch (SQLException e) {
            throw store.translate(e);
        } catch (IOException e) {
            throw new StoreException("cannot delete blobs in " + store.root() + ": " + LocalStore.describe(e), e);
        }
    }
}
