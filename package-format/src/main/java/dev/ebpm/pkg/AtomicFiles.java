package dev.ebpm.pkg;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a file so that a reader, or a crash, sees the old bytes or the new ones, never a mix: write a temporary
 * file beside it, force it to disk, then rename it over the target. The one way ebpm writes a whole file outside
 * the blob directory (bpf-loader, which depends on nothing of ebpm's, keeps its own for the files it builds).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What goes into the file: written to the stream {@link #write} hands it. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void replace(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code content} to a temporary file beside {@code target}, forces it to disk, then renames it over the
     * target: a crash leaves the old file or the new one, and no temporary file is left behind on failure.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);
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
