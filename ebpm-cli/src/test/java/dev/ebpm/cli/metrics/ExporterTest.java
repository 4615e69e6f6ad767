package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ebpm exporter} as a drop-in for eunomia-exporter: its config unchanged, its four routes, its answers. */
class ExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROGS = List.of("trace_openat_entry", "trace_openat_exit", "kill_entry", "kill_exit", "tkill_entry", "tkill_exit",
            "tgkill_entry", "tgkill_exit");
    @org.junit.jupiter.api.extension.RegisterExtension
    final KernelState.NothingLeftLoaded nothingOfOursStaysLoaded = new KernelState.NothingLeftLoaded(PROGS);

    @Test
    void servesTheConfigsCountersAndStartsListsAndStopsPrograms(@TempDir Path dir) throws Exception {
        Path config = Fixtures.opensnoopWithConfig(dir);
        try (CliProcess exporter = CliProcess.start(Fixtures.env(dir), "exporter", "--config", config.toString(), "--listen", "127.0.0.1:0", "--allow-unsigned")) {
            String at = Fixtures.endpoint(exporter);
            assertEquals(JSON.readTree("[{\"id\":0,\"name\":\"opensnoop\"}]"), JSON.readTree(Fixtures.get(at, "/list").body()));

            Path file = dir.resolve("ebpm-exporter-marker-" + System.nanoTime());
            Files.writeString(file, "x");
            long cat = Fixtures.openFrom(file);
            String line = awaitMetric(at, "eunomia_file_open_counter_total{", file.toString());
            assertTrue(line.contains("comm=\"cat\""), "string labels are not quoted twice, as eunomia-exporter did (comm=\"\\\"cat\\\"\"): " + line);
            assertTrue(line.contains("pid=\"" + cat + "\""), line);
            assertTrue(line.endsWith(" 1.0"), line);

            HttpResponse<String> started = Fixtures.post(at, "/start", "{\"name\": \"sigsnoop\"}");
            assertEquals(200, started.statusCode(), started.body());
            assertEquals(JSON.readTree("{\"id\":1}"), JSON.readTree(started.body()));
            assertEquals(JSON.readTree("[{\"id\":0,\"name\":\"opensnoop\"},{\"id\":1,\"name\":\"sigsnoop\"}]"), JSON.readTree(Fixtures.get(at, "/list").body()));
            awaitMetric(at, "ebpm_events_total{", "run=\"1\"");

            HttpResponse<String> stopped = Fixtures.post(at, "/stop", "{\"id\": 1}");
            assertEquals(200, stopped.statusCode(), stopped.body());
            assertEquals(JSON.readTree("[{\"id\":0,\"name\":\"opensnoop\"}]"), JSON.readTree(Fixtures.get(at, "/list").body()));
            assertFalse(Fixtures.get(at, "/metrics").body().contains("package=\"sigsnoop\""), "a stopped program's metrics go with it");

            HttpResponse<String> bad = Fixtures.post(at, "/start", "{\"name\": \"x\", \"metrics\": {\"counters\": [{\"nam\": \"c\"}]}}");
            assertEquals(400, bad.statusCode());
            JsonNode error = JSON.readTree(bad.body());
            assertTrue(error.path("error").asText().startsWith("request body:1: unknown key 'nam' in a counter"), bad.body());
            HttpResponse<String> unknown = Fixtures.post(at, "/stop", "{\"id\": 7}");
            assertEquals(400, unknown.statusCode());
            assertEquals("no program with id 7", JSON.readTree(unknown.body()).path("error").asText());
            assertEquals(405, Fixtures.get(at, "/start").statusCode());
            assertEquals(130, exporter.interrupt(Duration.ofSeconds(20)), exporter.stderr());
        }
    }

    @Test
    void aPackageFileRunsOnlyWithAllowUnsigned(@TempDir Path dir) throws Exception {
        Path config = Fixtures.opensnoopWithConfig(dir);
        CliProcess.Result r = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(60), "exporter", "--config", config.toString(), "--listen", "127.0.0.1:0");
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: " + config + ":2: program 'opensnoop' brings its own package (" + dir.resolve("package.json").toAbsolutePath()
                + "), which nothing signs; the exporter runs such packages only with --allow-unsigned (or name an installed package with package:)",
                r.stderr().strip());
    }

    private static String awaitMetric(String at, String prefix, String contains) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = Fixtures.get(at, "/metrics").body();
            for (String l : body.split("\n")) if (l.startsWith(prefix) && l.contains(contains)) return l;
            Thread.sleep(200);
        }
        throw new AssertionError("no " + prefix + "..." + contains + " line in /metrics:\n" + body);
    }
}
