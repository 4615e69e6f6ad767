package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobDirectoryTest {
    @TempDir Path dir;

    @Test
    void putStoresUnderTheDigestOnceAndReplacesACorruptCopy() throws Exception {
        BlobDirectory blobs = new BlobDirectory(dir).create();
        byte[] data = "hello blobs".getBytes(StandardCharsets.UTF_8);
        String sha = Digests.sha256Hex(data);
        assertTrue(blobs.put(sha, data));
        assertFalse(blobs.put(sha, data), "an intact copy is kept, not rewritten");
        Path file = dir.resolve("blobs/sha256/" + sha.substring(0, 2) + "/" + sha);
        assertEquals(file, blobs.path(sha));
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals(List.of(sha), blobs.list());

        Files.write(file, "tampered!!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(BlobDirectory.State.CORRUPT, blobs.verify(sha, -1));
        assertTrue(blobs.put(sha, data), "a corrupt copy is replaced");
        assertEquals(BlobDirectory.State.OK, blobs.verify(sha, data.length));
        assertEquals(data.length, blobs.delete(sha));
        assertEquals(BlobDirectory.State.MISSING, blobs.verify(sha, -1));
        assertTrue(blobs.list().isEmpty());
    }

    @Test
    void wrongDigestIsRefusedAndNothingIsLeftInTmp() throws Exception {
        BlobDirectory blobs = new BlobDirectory(dir).create();
        byte[] data = {1, 2, 3};
        assertThrows(IllegalArgumentException.class, () -> blobs.put(Digests.sha256Hex(new byte[] {9}), data));
        assertThrows(IllegalArgumentException.class, () -> blobs.path("../../etc/passwd"));
        assertFalse(blobs.contains("../../etc/passwd"));
        try (var s = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void streamedTempFileIsCommittedThroughEveryCheckpointInOrder() throws Exception {
        List<String> steps = new ArrayList<>();
        BlobDirectory blobs = new BlobDirectory(dir, steps::add).create();
        byte[] data = new byte[100_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        String sha = Digests.sha256Hex(data);
        Path temp = blobs.newTempFile();
        Files.write(temp, data);
        Path target = blobs.commit(temp, sha);
        assertFalse(Files.exists(temp));
        assertArrayEquals(data, Files.readAllBytes(target));
        assertEquals(List.of(BlobDirectory.AFTER_TEMP_WRITE, BlobDirectory.AFTER_RENAME), steps);

        // a second upload of the same bytes leaves the first copy and drops its temp file
        Path again = blobs.newTempFile();
        Files.write(again, data);
        blobs.commit(again, sha);
        assertFalse(Files.exists(again));
        assertEquals(2, steps.size());
    }

    @Test
    void tempFilesOfAnInterruptedWriteAreRemoved() throws Exception {
        BlobDirectory blobs = new BlobDirectory(dir).create();
        Files.write(blobs.newTempFile(), new byte[] {1});
        Files.write(blobs.newTempFile(), new byte[] {2});
        assertEquals(2, blobs.deleteTempFiles());
        assertEquals(0, blobs.deleteTempFiles());
    }
}
