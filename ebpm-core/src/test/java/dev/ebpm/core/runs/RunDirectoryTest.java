package dev.ebpm.core.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.json: what a daemon starts a run again from, its metrics included; one written before metrics still reads. */
class RunDirectoryTest {
    @TempDir Path store;

    private static RunSpec spec(MetricsRequest metrics) {
        return new RunSpec("runqlat", "1.0.0", "wasm", List.of("--metrics", "9464"), List.of(), Map.of(), null, null, null, null, false, false, "always",
                null, null, metrics);
    }

    private static final PackageCopy COPY = new PackageCopy(Map.of("runqlat.wasm", new byte[] {0, 'a', 's', 'm'}));

    @Test
    void theMetricsRequestComesBackFromRunJson() {
        MetricsRequest m = new MetricsRequest("127.0.0.1:9464", new MetricsRequest.Config("config.yaml", "programs:\n- name: runqlat\n"),
                List.of("start"), 2, "http://127.0.0.1:4318", 500L);
        RunDirectory dir = RunDirectory.create(store, RunId.random());
        dir.writeCopy(spec(m), COPY);
        assertEquals(m, dir.readCopy().spec().metrics());
    }

    @Test
    void aRunJsonWrittenBeforeMetricsReadsAsNone() throws Exception {
        RunDirectory dir = RunDirectory.create(store, RunId.random());
        dir.writeCopy(spec(null), COPY);
        Path file = dir.dir().resolve("run.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode stored = (ObjectNode) json.readTree(file.toFile());
        ((ObjectNode) stored.get("spec")).remove("metrics");
        Files.writeString(file, json.writeValueAsString(stored), StandardCharsets.UTF_8);
        assertTrue(!Files.readString(file).contains("\"metrics\":"), "the file has no metrics field now");
        RunSpec read = dir.readCopy().spec();
        assertNull(read.metrics());
        assertEquals("runqlat", read.packageName());
    }
}
