package dev.ebpm.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Immutable files named by their SHA-256, {@code <dir>/blobs/sha256/ab/abcdef...}, shared by the local store, the
 * download cache and the hub server. A blob appears under its name only complete and durable: it is written to
 * {@code <dir>/tmp/}, fsync'd, renamed into place, and the directory fsync'd, so a crash at any point leaves either no
 * blob or the whole blob (and at worst a temp file, removed by {@link #deleteTempFiles()}).
 */
public final class BlobDirectory {
    /** What {@link #verify} found. */
    public enum State { OK, MISSING, CORRUPT }

    /** Steps a crash-safety test may halt at (see {@link #BlobDirectory(Path, Consumer)}). */
    public static final String AFTER_TEMP_WRITE = "after-blob-temp-write";
    public static final String AFTER_RENAME = "after-blob-rename";

    private final Path root;
    private final Path tmp;
    private final Consumer<String> checkpoint;

    /** A blob directory under {@code dir}; nothing is created until the first write. */
    public BlobDirectory(Path dir) {
        this(dir, step -> { });
    }

    /** @param checkpoint told each step of a write by name, so a crash test can halt the process exactly there */
    public BlobDirectory(Path dir, Consumer<String> checkpoint) {
        this.root = dir.resolve("blobs").resolve("sha256");
        this.tmp = dir.resolve("tmp");
        this.checkpoint = checkpoint;
    }

    /** Creates the directories, the new entries made durable (a power cut must not lose blobs whose records are committed). */
    public BlobDirectory create() throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            fsyncDirectory(root.getParent());
            fsyncDirectory(root.getParent().getParent());
        }
        Files.createDirectories(tmp);
        return this;
    }

    public Path path(String digest) {
        if (!Digests.isSha256Hex(digest)) throw new IllegalArgumentException("not a sha256 digest: " + digest);
        return root.resolve(digest.substring(0, 2)).resolve(digest);
    }

    public boolean contains(String digest) {
        return Digests.isSha256Hex(digest) && Files.isRegularFile(path(digest));
    }

    /** The blob's file, if present (not re-hashed). */
    public Optional<Path> find(String digest) {
        return contains(digest) ? Optional.of(path(digest)) : Optional.empty();
    }

    /** A new empty file in {@code tmp/} to stream a blob into before {@link #commit}. */
    public Path newTempFile() throws IOException {
        Files.createDirectories(tmp);
        return Files.createTempFile(tmp, "blob-", ".part");
    }

    /**
     * Moves a complete temp file (already checked to hash to {@code digest}) into place: fsync, rename, directory fsync.
     * An intact blob already there is kept and the temp file dropped; a corrupt one is replaced.
     */
    public Path commit(Path tempFile, String digest) throws IOException {
        Path target = path(digest);
        try {
            if (Files.isRegularFile(target) && verify(digest, Files.size(tempFile)) == State.OK) return target;
            try (FileChannel ch = FileChannel.open(tempFile, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            checkpoint.accept(AFTER_TEMP_WRITE);
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                fsyncDirectory(root);
            }
            try {
                Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tempFile, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
            checkpoint.accept(AFTER_RENAME);
            return target;
        } finally {
            Files.deleteIfExists(tempFile);
        }
    }

    /**
     * Stores {@code data} under {@code digest}, which must be its SHA-256. Returns whether bytes were written (false: an
     * intact copy was already there).
     */
    public boolean put(String digest, byte[] data) throws IOException {
        if (!Digests.sha256Hex(data).equals(digest)) throw new IllegalArgumentException("data does not hash to " + digest);
        return putHashed(digest, data);
    }

    /** {@link #put} of data its caller has just hashed to {@code digest} (a file of an unpacked, checked package). */
    public boolean putHashed(String digest, byte[] data) throws IOException {
        if (verify(digest, data.length) == State.OK) return false;
        Path temp = newTempFile();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) ch.write(buf);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        commit(temp, digest);
        return true;
    }

    /**
     * Stores the file {@code source} under {@code digest}, refused if it does not hash to {@code digest}. A file on the
     * same file system (the download cache) is hard-linked rather than copied: blobs are never changed in place, so
     * sharing the inode is safe, and a 50 MB download is not written twice. {@code hashedByCaller}: the caller has just
     * hashed these very bytes (a download it verified and unpacked), so a linked file is not read a third time; a copy is
     * always hashed on the way in. Returns whether a blob was added.
     */
    public boolean putFile(String digest, Path source, boolean hashedByCaller) throws IOException {
        if (Files.isRegularFile(path(digest)) && verify(digest, Files.size(source)) == State.OK) return false;
        Path temp = newTempFile();
        try {
            boolean linked;
            try {
                Files.delete(temp);
                Files.createLink(temp, source);
                linked = true;
            } catch (IOException | UnsupportedOperationException e) {
                Files.deleteIfExists(temp);
                linked = false;
            }
            String actual;
            if (linked) {
                actual = hashedByCaller ? digest : Digests.sha256Hex(temp);
            } else {
                try (InputStream in = Files.newInputStream(source); java.io.OutputStream out = Files.newOutputStream(temp)) {
                    java.security.MessageDigest md = Digests.newSha256();
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                    actual = Digests.hex(md.digest());
                }
            }
            if (!actual.equals(digest)) throw new IOException(source + " does not hash to " + digest + " any more (it is " + actual + ")");
            commit(temp, digest);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The blob's bytes as they are on disk, or empty if absent; callers that need integrity use {@link #verify} or re-hash. */
    public Optional<byte[]> read(String digest) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(path(digest)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Re-hashes the blob (streaming) and compares the size when known ({@code expectedSize >= 0}). */
    public State verify(String digest, long expectedSize) throws IOException {
        Path p = path(digest);
        if (!Files.isRegularFile(p)) return State.MISSING;
        if (expectedSize >= 0 && Files.size(p) != expectedSize) return State.CORRUPT;
        try (InputStream in = Files.newInputStream(p)) {
            return Digests.sha256Hex(in).equals(digest) ? State.OK : State.CORRUPT;
        }
    }

    /** Every digest present (files whose names are not digests of their fan-out directory are ignored). */
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

    /**
     * Deletes everything in {@code tmp/}: writes a crash interrupted, never visible as blobs. Only call when no writer can
     * be running (the owner's write lock, or at start-up).
     */
    public int deleteTempFiles() throws IOException {
        return deleteTempFiles(java.time.Instant.MAX);
    }

    /**
     * Deletes the temp files last written before {@code cutoff}: where writers take no lock (a download cache), a file
     * a live writer is filling is younger than any sensible cutoff, and one a killed writer left only gets older.
     */
    public int deleteTempFiles(java.time.Instant cutoff) throws IOException {
        int n = 0;
        if (!Files.isDirectory(tmp)) return 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp)) {
            for (Path p : s) {
                try {
                    if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff) && Files.deleteIfExists(p)) n++;
                } catch (NoSuchFileException gone) {
                    // its writer finished or removed it meanwhile
                }
            }
        }
        return n;
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
