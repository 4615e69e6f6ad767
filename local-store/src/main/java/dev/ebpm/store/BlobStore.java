package dev.ebpm.store;

import dev.ebpm.pkg.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Content-addressed files under {@code blobs/sha256/ab/abcdef...}. A blob appears under its name only complete and
 * durable: written to {@code tmp/}, fsync'd, renamed into place, directory fsync'd.
 */
public final class BlobStore {
    private final Path root;
    private final Path tmp;

    public BlobStore(Path storeRoot) {
        this.root = storeRoot.resolve("blobs").resolve("sha256");
        this.tmp = storeRoot.resolve("tmp");
    }

    void createDirectories() throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            // make the new directory entries durable, or a power cut could lose blobs whose rows are committed
            fsyncDirectory(root.getParent());
            fsyncDirectory(root.getParent().getParent());
        }
        Files.createDirectories(tmp);
    }

    public Path path(String digest) {
        if (!Digests.isSha256Hex(digest)) throw new IllegalArgumentException("not a sha256 digest: " + digest);
        return root.resolve(digest.substring(0, 2)).resolve(digest);
    }

    public boolean contains(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /**
     * Stores {@code data} under {@code digest} (which must be its SHA-256). An existing blob is kept if intact and
     * replaced if not. Returns whether bytes were written.
     */
    public boolean put(String digest, byte[] data) throws IOException {
        if (!Digests.sha256Hex(data).equals(digest)) {
            throw new IllegalArgumentException("data does not hash to " + digest);
        }
        Path target = path(digest);
        if (verify(digest, data.length) == VerifyReport.BlobState.OK) return false;
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            fsyncDirectory(root);
        }
        Path temp = Files.createTempFile(tmp, "blob-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            CrashHook.reach(CrashHook.AFTER_BLOB_TEMP_WRITE);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(dir);
            CrashHook.reach(CrashHook.AFTER_BLOB_RENAME);
        } finally {
            Files.deleteIfExists(temp);
        }
        return true;
    }

    /** The blob's bytes, re-hashed; a mismatch or absence is a {@link CorruptBlobException} naming {@code what}. */
    public byte[] get(String digest, String what) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(path(digest));
        } catch (NoSuchFileException e) {
            throw new CorruptBlobException(digest, what, "blob sha256:" + digest + " for " + what + " is missing from the store; run 'ebpm cache verify --repair' and reinstall");
        }
        String actual = Digests.sha256Hex(data);
        if (!actual.equals(digest)) {
            throw new CorruptBlobException(digest, what, "blob sha256:" + digest + " for " + what + " is corrupt (content hashes to " + actual + "); run 'ebpm cache verify --repair' and reinstall");
        }
        return data;
    }

    /** Re-hashes the blob (streaming) and compares size when known ({@code expectedSize >= 0}). */
    public VerifyReport.BlobState verify(String digest, long expectedSize) throws IOException {
        Path p = path(digest);
        if (!Files.isRegularFile(p)) return VerifyReport.BlobState.MISSING;
        if (expectedSize >= 0 && Files.size(p) != expectedSize) return VerifyReport.BlobState.CORRUPT;
        try (InputStream in = Files.newInputStream(p)) {
            return Digests.sha256Hex(in).equals(digest) ? VerifyReport.BlobState.OK : VerifyReport.BlobState.CORRUPT;
        }
    }

    /** Every digest present on disk (files whose names are not digests are ignored). */
    public List<String> list() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> fanout = Files.newDirectoryStream(root)) {
            for (Path d : fanout) {
                if (!Files.isDirectory(d)) continue;
                try (DirectoryStream<Path> blobs = Files.newDirectoryStream(d)) {
                    for (Path b : blobs) {
                        String name = b.getFileName().toString();
                        if (Digests.isSha256Hex(name) && name.startsWith(d.getFileName().toString())) out.add(name);
                    }
                }
            }
        }
        return out;
    }

    /** Deletes the blob; returns the bytes freed (0 if absent). */
    public long delete(String digest) throws IOException {
        Path p = path(digest);
        try {
            long size = Files.size(p);
            Files.delete(p);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Deletes everything in {@code tmp/}; only call while holding the store's write lock. */
    public int deleteTempFiles() throws IOException {
        int n = 0;
        if (!Files.isDirectory(tmp)) return 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp)) {
            for (Path p : s) {
                if (Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
            }
        }
        return n;
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
