package dev.ebpm.core.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * The counters a runner publishes in {@code status.json}, rewritten (tmp + rename) every second, so {@code ps}
 * reads them without a write to the store per second.
 */
public record RunStatus(long events, long lost, Instant updatedAt) {
    public static final RunStatus NONE = new RunStatus(0, 0, null);

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        String json = "{\"events\":" + events + ",\"lost\":" + lost + ",\"updated_at\":\"" + updatedAt + "\"}\n";
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static RunStatus read(Path file) {
        try {
            JsonNode n = new ObjectMapper().readTree(file.toFile());
            return new RunStatus(n.path("events").asLong(), n.path("lost").asLong(),
                    n.hasNonNull("updated_at") ? Instant.parse(n.get("updated_at").asText()) : null);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }
}
