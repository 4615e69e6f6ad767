package dev.ebpm.hub;

import dev.ebpm.pkg.BlobDirectory;
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
 * are served from, and the {@link SignedIndex}.
 */
public final class HubStore implements AutoCloseable {
    private final long maxUploadBytes;
    private final HubDatabase db;
    private final BlobDirectory blobs;
    private final SecretKey hubKey;
    private final Publishers publishers;
    private final PackagePublisher packages;
    private final SignedIndex signedIndex;
    private volatile ReadSnapshot snapshot;

    private HubStore(long maxUploadBytes, HubDatabase db, BlobDirectory blobs, SecretKey hubKey) {
        this.maxUploadBytes = maxUploadBytes;
        this.db = db;
        this.blobs = blobs;
        this.hubKey = hubKey;
        this.publishers = new Publishers(db);
        this.signedIndex = new SignedIndex(db, hubKey);
        this.packages = new PackagePublisher(db, publishers, blobs, maxUploadBytes, this::refresh);
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
        db.close();
    }
}
