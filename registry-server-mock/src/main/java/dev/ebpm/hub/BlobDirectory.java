package dev.ebpm.hub;

import dev.ebpm.pkg.Digests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Immutable files named by their SHA-256 ({@code blobs/sha256/ab/abcd...}). A blob appears only complete: it is
 * written to {@code tmp/}, forced to disk, then renamed into place.
 */
final class BlobDirectory {
    private final Path root;
    private final Path tmp;

    BlobDirectory(Path dataDir) throws IOException {
        this.root = dataDir.resolve("blobs").resolve("sha256");
        this.tmp = dataDir.resolve("tmp");
        Files.createDirectories(root);
        Files.createDirectories(tmp);
        // leftovers of uploads interrupted by a crash were never visible; drop them
        try (var s = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
        }
    }

    Path newTempFile() throws IOException {
        return Files.createTempFile(tmp, "upload-", ".part");
    }

    Optional<Path> find(String sha256) {
        if (!Digests.isSha256Hex(sha256)) return Optional.empty();
        Path p = path(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    private Path path(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** Moves a verified temp file into place (fsync first); if the blob exists already the temp file is dropped. */
    void commit(Path tempFile, String sha256) throws IOException {
        Path target = path(sha256);
        if (Files.isRegularFile(target)) {
            Files.deleteIfExists(tempFile);
            return;
        }
        try (FileChannel ch = FileChannel.open(tempFile, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tempFile, target);
        }
        forceDirectory(target.getParent());
    }

    void put(byte[] data, String sha256) throws IOException {
        if (find(sha256).isPresent()) return;
        Path t = newTempFile();
        try {
            Files.write(t, data);
            commit(t, sha256);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be opened for fsync; the rename is still atomic
        }
    }
}
