package dev.ebpm.core.runs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
    /** The streaming reader only: ps reads one of these per run. */
    private static final JsonFactory JSON = new JsonFactory();

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        String json = "{\"events\":" + events + ",\"lost\":" + lost + ",\"updated_at\":\"" + updatedAt + "\"}\n";
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static RunStatus read(Path file) {
        long events = 0, lost = 0;
        Instant at = null;
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "events" -> events = p.getLongValue();
                    case "lost" -> lost = p.getLongValue();
                    case "updated_at" -> at = v == JsonToken.VALUE_NULL ? null : Instant.parse(p.getText());
                    default -> p.skipChildren();
                }
            }
            return new RunStatus(events, lost, at);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }
}
