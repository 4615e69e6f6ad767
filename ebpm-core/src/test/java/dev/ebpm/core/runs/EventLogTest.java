package dev.ebpm.core.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log's format and rotation, run ids and --since, without a kernel. */
class EventLogTest {
    @TempDir Path dir;

    @Test
    void linesAreStampedEvenWhenWrittenInPieces() throws Exception {
        Path f = dir.resolve("events.log");
        try (EventLog log = new EventLog(f, 1 << 20)) {
            log.write("{\"a\":1}\n{\"b\"".getBytes(StandardCharsets.UTF_8));
            log.write(":2}\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(2, log.lines());
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(2, lines.size());
        EventLog.Line first = EventLog.Line.parse(lines.get(0));
        assertEquals("{\"a\":1}", first.text());
        assertTrue(Duration.between(first.time(), Instant.now()).abs().toSeconds() < 5);
        assertEquals("{\"b\":2}", EventLog.Line.parse(lines.get(1)).text());
        assertNull(EventLog.Line.parse("plain text line").time());
    }

    @Test
    void rotatesBetweenLinesAndKeepsOneOldFile() throws Exception {
        Path f = dir.resolve("events.log");
        byte[] line = ("x".repeat(99) + "\n").getBytes(StandardCharsets.UTF_8);
        try (EventLog log = new EventLog(f, 4096)) {
            for (int i = 0; i < 200; i++) log.write(line);
        }
        assertTrue(Files.size(f) < 4096, "current file is below the limit");
        assertTrue(Files.size(EventLog.rotated(f)) >= 4096);
        assertFalse(Files.exists(dir.resolve("events.log.2")));
        for (String l : Files.readAllLines(EventLog.rotated(f))) assertEquals("x".repeat(99), EventLog.Line.parse(l).text());
    }

    @Test
    void runIdsAreStrict() {
        assertTrue(RunId.isValid(RunId.random()));
        for (String bad : List.of("../x", "0123456789AB", "0123456789a", "0123456789abc", "01234567-9ab", "", "0123456789ab\n")) {
            assertFalse(RunId.isValid(bad), bad);
        }
        assertThrows(dev.ebpm.core.run.RunException.class, () -> RunDirectory.of(dir, "../../etc"));
    }
}
