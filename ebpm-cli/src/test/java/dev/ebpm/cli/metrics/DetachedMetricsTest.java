package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ebpm run -d --metrics}: the detached run serves its metrics, labelled with its run id, until it is stopped. */
class DetachedMetricsTest {
    @Test
    void aDetachedRunServesItsMetricsAndMaps(@TempDir Path dir) throws Exception {
        String at = "127.0.0.1:" + Prometheus.freePort();
        CliProcess.Result started = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), "run", "-d", "--metrics", at, "--metrics-map", "start",
                "--metrics-max-series", "2", "runqlat", "--enable-targ_per_process");
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().strip();
        try {
            String body = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean histograms = false;
            boolean gauges = false;
            while (System.nanoTime() < deadline && !(histograms && gauges)) {
                body = Fixtures.get(at, "/metrics").body();
                histograms = body.contains("ebpm_histogram_bucket{") && body.contains("run=\"" + id + "\"");
                gauges = body.lines().anyMatch(l -> l.startsWith("ebpm_map_value{") && l.contains("map=\"start\""));
                Thread.sleep(300);
            }
            assertTrue(histograms && gauges, "per-process histograms and the start map's values, labelled run=" + id + ":\n" + body);
            List<String> series = body.lines().filter(l -> l.startsWith("ebpm_histogram_bucket{") && l.contains("le=\"+Inf\"")).toList();
            assertEquals(2, series.size(), "runqlat --enable-targ_per_process keeps one histogram per process; the cap keeps 2:\n" + series);
            String dropped = body.lines().filter(l -> l.startsWith("ebpm_series_dropped_total{")).findFirst().orElseThrow();
            assertTrue(Double.parseDouble(dropped.substring(dropped.lastIndexOf(' ') + 1)) > 0, "the processes past the cap are counted: " + dropped);
        } finally {
            CliProcess.Result stop = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(60), "stop", id);
            assertEquals(0, stop.exitCode(), stop.stderr());
        }
        boolean closed;
        try {
            Fixtures.get(at, "/metrics");
            closed = false;
        } catch (java.io.IOException e) {
            closed = true;
        }
        assertTrue(closed, "the endpoint ends with the run");
    }
}
