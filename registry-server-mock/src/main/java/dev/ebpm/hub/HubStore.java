package dev.ebpm.hub;

import dev.ebpm.hub.catalog.Catalog;
import dev.ebpm.hub.catalog.CatalogVersion;
import dev.ebpm.hub.catalog.PublisherProfile;
import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A hub's data directory, {@code DATA/}: {@code hub.db} ({@link HubDatabase}), {@code hub.key} ({@link HubKey}) and
 * {@code blobs/sha256/ab/<hex>} (package-format's {@link BlobDirectory}). It puts together the parts that do each job:
 * {@link Publishers} (tokens, keys, owners), {@link PackagePublisher} (publish, yank), the {@link ReadSnapshot} readers
 * are served from, the {@link SignedIndex}, and the {@link DownloadCounter}.
 */
public final class HubStore implements AutoCloseable {
    private final long maxUploadBytes;
    private final HubDatabase db;
    private final BlobDirectory blobs;
    private final SecretKey hubKey;
    private final Publishers publishers;
    private final PackagePublisher packages;
    private final SignedIndex signedIndex;
    private final DownloadCounter downloads;
    private final Object readmeExtraction = new Object();
    private volatile ReadSnapshot snapshot;

    private HubStore(long maxUploadBytes, HubDatabase db, BlobDirectory blobs, SecretKey hubKey) {
        this.maxUploadBytes = maxUploadBytes;
        this.db = db;
        this.blobs = blobs;
        this.hubKey = hubKey;
        this.publishers = new Publishers(db);
        this.signedIndex = new SignedIndex(db, hubKey);
        this.packages = new PackagePublisher(db, publishers, blobs, maxUploadBytes, this::refresh);
        this.downloads = new DownloadCounter(db);
        refresh();
    }

    /**
     * Opens (creating if needed) a data directory. Leftover temp files of uploads a crash interrupted are deleted: they
     * were never visible, and no other server may use the same directory at once.
     */
    public static HubStore open(Path dataDir, long maxUploadBytes) {
        BlobDirectory blobs = new BlobDirectory(dataDir);
        try {
            Files.createDirectories(dataDir);
            blobs.create().deleteTempFiles();
        } catch (IOException e) {
            throw new HubStorageException("cannot prepare the hub data directory " + dataDir + ": " + e.getMessage(), e);
        }
        SecretKey key = HubKey.loadOrCreate(dataDir);
        HubDatabase db = HubDatabase.open(dataDir);
        try {
            return new HubStore(maxUploadBytes, db, blobs, key);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Rebuilds what readers see and signs it; runs after every write. */
    private synchronized void refresh() {
        ReadSnapshot next = ReadSnapshot.load(db);
        signedIndex.sign(next.index().json());
        snapshot = next;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public ReadSnapshot snapshot() {
        return snapshot;
    }

    /** What the pages and the search endpoint read: the current snapshot's catalog. */
    public Catalog catalog() {
        return snapshot.catalog();
    }

    /** Counts a download of the archive with this digest (other blobs are not counted). */
    public void countArchiveDownload(String sha256) {
        snapshot.catalog().archive(sha256).ifPresent(a -> downloads.count(a.pkg(), a.version()));
    }

    /** Counts a download of a package's version through the static layout. */
    public void countDownload(String pkg, String version) {
        downloads.count(pkg, version);
    }

    public long downloads(String pkg) {
        return downloads.ofPackage(pkg);
    }

    public long downloads(String pkg, String version) {
        return downloads.ofVersion(pkg, version);
    }

    /** Stores the download counts counted since the last flush; the server runs it every few seconds. */
    public void flushDownloads() {
        downloads.flush();
    }

    /** The largest README a page shows. */
    public static final long MAX_README_BYTES = 512 * 1024;

    /**
     * The version's README ({@link CatalogVersion#readmePath()}), if it has one of at most {@link #MAX_README_BYTES}.
     * Kept as a blob by its digest; the first time, it is taken from the version's archive, whose every file
     * package-format's reader checks against the manifest.
     */
    public Optional<byte[]> readme(CatalogVersion v) throws IOException {
        Optional<String> path = v.readmePath();
        if (path.isEmpty()) return Optional.empty();
        var file = v.manifest().files().get(path.get());
        if (file.size() > MAX_README_BYTES) return Optional.empty();
        Optional<byte[]> kept = blobs.read(file.sha256());
        if (kept.isPresent() && Digests.sha256Hex(kept.get()).equals(file.sha256())) return kept;
        // one archive unpacked at a time: a crawler opening many pages at once cannot hold many archives in memory
        synchronized (readmeExtraction) {
            Optional<Path> archive = blobs.find(v.sha256());
            if (archive.isEmpty()) throw new HubStorageException("the archive of " + v.manifest().id() + " is missing from the data directory");
            byte[] readme;
            try (InputStream in = Files.newInputStream(archive.get())) {
                readme = PackageArchive.unpack(in).bytes(path.get());
            } catch (InvalidPackageException e) {
                throw new HubStorageException("the stored archive of " + v.manifest().id() + " does not unpack: " + e.getMessage(), e);
            }
            blobs.put(file.sha256(), readme);
            return Optional.of(readme);
        }
    }

    /** A publisher's name, since when the hub knows it, and its registered keys. */
    public Optional<PublisherProfile> publisher(String name) {
        return publishers.profile(name);
    }

    /** The blob's file, if this hub has it. */
    public Optional<Path> blob(String sha256) {
        return blobs.find(sha256);
    }

    /** The hub's public key (what clients pin). */
    public PublicKey hubKey() {
        return hubKey.publicKey();
    }

    /** The signature of the current index ({@code /index.json.sig}); a live hub re-signs before it would expire. */
    public IndexSignature indexSignature() {
        Optional<IndexSignature> fresh = signedIndex.fresh();
        if (fresh.isPresent()) return fresh.get();
        synchronized (this) {
            // excludes refresh(), so the snapshot signed is the current one
            return signedIndex.sign(snapshot.index().json());
        }
    }

    /** Creates the publisher if needed and a new token for it; returns the token (shown once, stored hashed). */
    public String createToken(String publisher) {
        return publishers.createToken(publisher);
    }

    /** Adds an owner to an existing package. */
    public void addOwner(String pkg, String publisher) {
        publishers.addOwner(pkg, publisher);
    }

    /** Registers a publisher's public key: once a publisher has one, its uploads must be signed by one of its keys. */
    public Fingerprint addPublisherKey(String publisher, PublicKey key) {
        return publishers.addKey(publisher, key);
    }

    /** See {@link PackagePublisher#publish}. */
    public PackagePublisher.Published publish(String token, String name, String version, InputStream body, long contentLength,
                                              String signatureHeader) throws IOException {
        return packages.publish(token, name, version, body, contentLength, signatureHeader);
    }

    public void setYanked(String token, String name, String version, boolean yanked) {
        packages.setYanked(token, name, version, yanked);
    }

    @Override
    public void close() {
        try {
            downloads.flush();
        } finally {
            db.close();
        }
    }
}
