package dev.ebpm.cli.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.output.UserError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogsCommandTest {
    @Test
    void sinceTakesDurationsAndTimes() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        assertEquals(Instant.parse("2025-06-01T11:59:30Z"), LogsCommand.parseSince("30s", now));
        assertEquals(Instant.parse("2025-06-01T10:30:00Z"), LogsCommand.parseSince("1h30m", now));
        assertEquals(Instant.parse("2025-05-30T12:00:00Z"), LogsCommand.parseSince("2d", now));
        assertEquals(Instant.parse("2025-01-02T03:04:05Z"), LogsCommand.parseSince("2025-01-02T03:04:05Z", now));
        UserError e = assertThrows(UserError.class, () -> LogsCommand.parseSince("yesterday", now));
        assertTrue(e.getMessage().startsWith("--since expects a duration"), e.getMessage());
    }
}
