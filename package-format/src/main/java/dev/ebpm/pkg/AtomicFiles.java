package dev.ebpm.pkg;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replacing a small file so that a reader, or a crash, sees the old bytes or the new ones, never a
 * mix: write a temporary file beside it, then rename it over the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void replace(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try {
                Files.write(tmp, bytes);
            } catch (IOException e) {
                // the temp file's write names no file: name the one being replaced
                if (FileErrors.isDiskFull(e)) throw new java.nio.file.FileSystemException(target.toString(), null, e.getMessage());
                throw e;
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
