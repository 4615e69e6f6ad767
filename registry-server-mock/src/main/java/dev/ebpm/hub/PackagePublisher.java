package dev.ebpm.hub;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.DigestingInputStream;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hub's writes to packages: publishing a version (token, ownership, the upload verified, blobs and row committed)
 * and yanking one. Each write ends with {@code afterWrite} (the store's new read snapshot and index signature), all
 * under one lock, so readers go from one consistent state to the next.
 */
final class PackagePublisher {
    /** What a successful publish returns. */
    record Published(String name, String version, String sha256, long size) {}

    private final HubDatabase db;
    private final Publishers publishers;
    private final BlobDirectory blobs;
    private final long maxUploadBytes;
    private final Runnable afterWrite;

    PackagePublisher(HubDatabase db, Publishers publishers, BlobDirectory blobs, long maxUploadBytes, Runnable afterWrite) {
        this.db = db;
        this.publishers = publishers;
        this.blobs = blobs;
        this.maxUploadBytes = maxUploadBytes;
        this.afterWrite = afterWrite;
    }

    /**
     * Stores an archive as {@code name@version}. Checks that cost nothing come before reading the body; the body is
     * streamed to a temp file (never past the upload limit), checked completely, forced to disk and renamed, and only
     * then is the version row committed, in one transaction.
     *
     * @param contentLength   the declared body size, or -1 (chunked)
     * @param signatureHeader {@code Ebpm-Signature}: base64 of the package signature's JSON, or null
     * @throws IOException from reading {@code body} or writing the data directory
     */
    Published publish(String token, String name, String version, InputStream body, long contentLength, String signatureHeader) throws IOException {
        Publishers.Publisher who = publishers.authenticate(token);
        PackageName pn = parseName(name);
        Version pv = parseVersion(version);
        checkCanPublish(who, pn, pv);
        UploadVerifier verifier = UploadVerifier.beforeBody(who, publishers.keys(who), signatureHeader, pn, pv);
        if (contentLength > maxUploadBytes) throw tooLarge(contentLength + " bytes");
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
            UnpackedPackage pkg = verifier.verify(tmp);
            PackageManifest m = pkg.manifest();
            byte[] entry = pkg.bytes(m.entry());
            String entrySha = m.files().get(m.entry()).sha256();
            synchronized (this) {
                // checked again: another upload of the same name or version may have committed while this body was read
                checkCanPublish(who, pn, pv);
                blobs.commit(tmp, sha);
                blobs.put(entrySha, entry);
                db.transaction(() -> {
                    String now = HubDatabase.now();
                    db.update("INSERT OR IGNORE INTO blobs(sha256, size, created_at) VALUES(?,?,?)", sha, size, now);
                    db.update("INSERT OR IGNORE INTO blobs(sha256, size, created_at) VALUES(?,?,?)", entrySha, entry.length, now);
                    if (!db.exists("SELECT 1 FROM packages WHERE name=?", pn.value())) {
                        db.update("INSERT INTO packages(name, created_at) VALUES(?,?)", pn.value(), now);
                        db.update("INSERT INTO owners(package, publisher_id) VALUES(?,?)", pn.value(), who.id());
                    }
                    db.update("INSERT INTO versions(package, version, sha256, size, kind, entry, entry_sha256, manifest, yanked, signature,"
                                    + " publisher_id, published_at) VALUES(?,?,?,?,?,?,?,?,0,?,?,?)",
                            pn.value(), pv.toString(), sha, size, m.kind().id(), m.entry(), entrySha,
                            new String(pkg.manifestJson(), StandardCharsets.UTF_8), verifier.signatureJson(), who.id(), now);
                    return null;
                });
                afterWrite.run();
            }
            return new Published(pn.value(), pv.toString(), sha, size);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    synchronized void setYanked(String token, String name, String version, boolean yanked) {
        Publishers.Publisher who = publishers.authenticate(token);
        PackageName pn = parseName(name);
        Version pv = parseVersion(version);
        if (!db.exists("SELECT 1 FROM versions WHERE package=? AND version=?", pn.value(), pv.toString())) {
            throw HubException.notFound("no version " + pn + "@" + pv + " on this hub");
        }
        if (!publishers.owns(who, pn)) {
            throw new HubException(403, "forbidden", "package " + pn + " is owned by another publisher; " + who.name() + " may not yank it");
        }
        db.update("UPDATE versions SET yanked=? WHERE package=? AND version=?", yanked ? 1 : 0, pn.value(), pv.toString());
        afterWrite.run();
    }

    private void checkCanPublish(Publishers.Publisher who, PackageName pn, Version pv) {
        String lookAlike = lookAlike(pn);
        if (lookAlike != null) {
            throw new HubException(409, "name_taken", "package name " + pn + " is taken: it is the same name as " + lookAlike
                    + " (names that differ only in case, '-' or '_' are one name)");
        }
        if (db.exists("SELECT 1 FROM packages WHERE name=?", pn.value()) && !publishers.owns(who, pn)) {
            throw new HubException(403, "forbidden", "package " + pn + " is owned by another publisher; " + who.name() + " may not publish it");
        }
        if (db.exists("SELECT 1 FROM versions WHERE package=? AND version=?", pn.value(), pv.toString())) {
            throw new HubException(409, "exists", pn + "@" + pv + " is already published; versions are immutable, publish a new version");
        }
    }

    /** Another spelling of {@code pn} this hub has already (see {@link PackageName#canonical()}), or null. */
    private String lookAlike(PackageName pn) {
        String canonical = pn.canonical();
        for (String existing : db.all("SELECT name FROM packages", r -> r.getString(1))) {
            if (!existing.equals(pn.value()) && PackageName.canonical(existing).equals(canonical)) return existing;
        }
        return null;
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
}
