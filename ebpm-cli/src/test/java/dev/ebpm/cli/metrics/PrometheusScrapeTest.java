package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes two real runs: opensnoop counted by eunomia-exporter's own config, and runqlat's sampled
 * histogram. The test opens a file and asks Prometheus's HTTP API for the counter labelled with that file's name, and
 * for runqlat's buckets.
 */
class PrometheusScrapeTest {
    private static final List<String> PROGS = List.of("trace_openat_entry", "trace_openat_exit", "sched_wakeup", "sched_wakeup_new", "sched_switch");
    @org.junit.jupiter.api.extension.RegisterExtension
    final KernelState.NothingLeftLoaded nothingOfOursStaysLoaded = new KernelState.NothingLeftLoaded(PROGS);

    @Test
    void prometheusSeesTheFileCounterAndRunqlatsBuckets(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(Prometheus.BINARY), "Debian's prometheus is installed by scripts/setup.sh");
        Path config = Fixtures.opensnoopWithConfig(dir);
        String statsBefore = Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip();
        try (CliProcess opensnoop = CliProcess.start(Fixtures.env(dir), "run", "--metrics", "127.0.0.1:0", "--metrics-config", config.toString());
                CliProcess runqlat = CliProcess.start(Fixtures.env(dir), "run", "runqlat", "--metrics", "0")) {
            String a = Fixtures.endpoint(opensnoop);
            String b = Fixtures.endpoint(runqlat);
            opensnoop.awaitStderr("running", Fixtures.READY);
            runqlat.awaitStderr("running", Fixtures.READY);
            try (Prometheus prom = Prometheus.start(dir.resolve("prometheus"), List.of(a, b))) {
                Path file = dir.resolve("ebpm-metrics-marker-" + System.nanoTime());
                Files.writeString(file, "x");
                long cat = Fixtures.openFrom(file);

                JsonNode counter = prom.awaitQuery("eunomia_file_open_counter_total{filename=\"" + file + "\"}", r -> r.size() > 0, Duration.ofSeconds(30));
                JsonNode metric = counter.get(0).path("metric");
                assertEquals("cat", metric.path("comm").asText(), "labels unquoted: " + counter);
                assertEquals(Long.toString(cat), metric.path("pid").asText(), counter.toString());
                assertEquals("opensnoop", metric.path("package").asText(), counter.toString());
                assertEquals(1.0, counter.get(0).path("value").get(1).asDouble(), "one open, one count: " + counter);

                JsonNode runs = prom.awaitQuery("ebpm_program_runs_total{package=\"opensnoop\",program=\"trace_openat_exit\"}",
                        r -> r.size() > 0 && r.get(0).path("value").get(1).asDouble() > 0, Duration.ofSeconds(20));
                assertTrue(runs.get(0).path("value").get(1).asDouble() >= 1, runs.toString());
                prom.awaitQuery("ebpm_events_total{package=\"opensnoop\"} > 0", r -> r.size() == 1, Duration.ofSeconds(20));

                JsonNode buckets = prom.awaitQuery("ebpm_histogram_bucket{package=\"runqlat\",map=\"hists\",unit=\"usecs\"}",
                        r -> r.size() > 2 && inf(r) > 0, Duration.ofSeconds(30));
                TreeMap<Double, Double> byBound = new TreeMap<>();
                for (JsonNode s : buckets) {
                    String le = s.path("metric").path("le").asText();
                    byBound.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.path("value").get(1).asDouble());
                }
                // log2 slots: 0-1, 2-3, 4-7, ... so the bounds are 2^(i+1)-1, as runqlat prints them
                List<Double> bounds = new ArrayList<>(byBound.keySet());
                assertEquals(List.of(1.0, 3.0, 7.0, 15.0, 31.0), bounds.subList(0, 5), "the package's own bucket bounds: " + bounds);
                assertEquals(Double.POSITIVE_INFINITY, bounds.get(bounds.size() - 1));
                double previous = 0;
                for (double count : byBound.values()) {
                    assertTrue(count >= previous, "cumulative buckets: " + byBound);
                    previous = count;
                }
                JsonNode p99 = prom.query("histogram_quantile(0.99, ebpm_histogram_bucket{package=\"runqlat\"})");
                assertFalse(p99.isEmpty(), "Prometheus computes quantiles from the buckets: " + p99);
            }
            assertEquals(130, opensnoop.interrupt(Duration.ofSeconds(15)), opensnoop.stderr());
            assertEquals(130, runqlat.interrupt(Duration.ofSeconds(15)), runqlat.stderr());
        }
        assertEquals(statsBefore, Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip(), "kernel.bpf_stats_enabled as it was");
    }

    private static double inf(JsonNode result) {
        for (JsonNode s : result) if (s.path("metric").path("le").asText().equals("+Inf")) return s.path("value").get(1).asDouble();
        return 0;
    }
}
