package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ebpm run -d --metrics}: the daemon serves the detached run's metrics, labelled with its run id, until it is
 * stopped; a metrics failure fails the start; the next daemon serves an adopted run's metrics again.
 */
class DetachedMetricsTest {
    /** The store's daemon hosted the run and outlives it (until 120 s idle): it ends with these tests. */
    @AfterAll
    static void stopTheDaemon() throws Exception {
        CliProcess.run(Fixtures.env(null), Duration.ofSeconds(60), "daemon", "stop");
    }

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

    @Test
    void aMetricsFailureFailsTheStartWithItsReasonAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        java.util.Set<String> before = new java.util.HashSet<>();
        for (JsonNode run : ps(dir, "-a")) before.add(run.get("id").asText());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String at = "127.0.0.1:" + taken.getLocalPort();
            CliProcess.Result r = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), "run", "-d", "--metrics", at, "runqlat");
            assertEquals(1, r.exitCode(), r.stderr());
            assertEquals("ebpm: error: cannot serve metrics on " + at + ": Address already in use", lastLine(r));
        }
        // a counter's field is checked against the event layout the daemon loads
        Path config = Fixtures.opensnoopWithConfig(dir);
        Files.writeString(config, Fixtures.EUNOMIA_CONFIG.replace("from: fname", "from: fnam"));
        CliProcess.Result r = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), "run", "-d", "--metrics", "127.0.0.1:0", "--metrics-config",
                config.toString(), dir.resolve("package.json").toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: " + config + ":10: label 'filename' takes field 'fnam', but opensnoop's event (event) has no such field "
                + "(fields: ts, pid, uid, ret, flags, comm, fname)", lastLine(r));
        JsonNode live = ps(dir);
        assertEquals(0, live.size(), "no run is left running: " + live);
        int failed = 0;
        JsonNode all = ps(dir, "-a");
        for (JsonNode run : all) {
            if (before.contains(run.get("id").asText())) continue;
            failed++;
            assertEquals("failed", run.get("state").asText(), run.toString());
            assertTrue(Files.notExists(Path.of("/sys/fs/bpf/ebpm", run.get("id").asText())), "nothing pinned for " + run);
        }
        assertEquals(2, failed, "both starts are recorded failed: " + all);
    }

    @Test
    void theNextDaemonServesAnAdoptedRunsMetricsAgain(@TempDir Path dir) throws Exception {
        String at = "127.0.0.1:" + Prometheus.freePort();
        CliProcess.Result started = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(120), "run", "-d", "--metrics", at, "--metrics-map", "start", "runqlat");
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().strip();
        try (CliProcess next = adoptAfterKill9()) {
            String body = "";
            boolean histograms = false;
            boolean gauges = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && !(histograms && gauges)) {
                try {
                    body = Fixtures.get(at, "/metrics").body();
                } catch (java.io.IOException notYet) {
                    body = "";
                }
                histograms = body.contains("ebpm_histogram_bucket{") && body.contains("run=\"" + id + "\"");
                gauges = body.lines().anyMatch(l -> l.startsWith("ebpm_map_value{") && l.contains("map=\"start\""));
                Thread.sleep(300);
            }
            assertTrue(histograms && gauges, "the adopted run's histograms and start map, labelled run=" + id + ":\n" + body);
            CliProcess.Result stop = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(60), "stop", id);
            assertEquals(0, stop.exitCode(), stop.stderr());
            assertThrows(java.io.IOException.class, () -> Fixtures.get(at, "/metrics"), "the endpoint ends with the run");
        }
    }

    /** Kills the store's daemon with SIGKILL (its pinned runs stay attached) and starts the next one, which adopts them. */
    private static CliProcess adoptAfterKill9() throws Exception {
        Path store = Path.of(Fixtures.env(null).get("EBPM_HOME"));
        long pid = new ObjectMapper().readTree(store.resolve("runs/daemon.json").toFile()).get("pid").asLong();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        for (int i = 0; i < 200 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(20);
        CliProcess next = CliProcess.start(Fixtures.env(null), "daemon");
        next.awaitStderr("serves", Duration.ofSeconds(60));
        return next;
    }

    private static JsonNode ps(Path dir, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(List.of("ps", "--json"));
        args.addAll(List.of(more));
        CliProcess.Result r = CliProcess.run(Fixtures.env(dir), Duration.ofSeconds(60), args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        return new ObjectMapper().readTree(r.stdout());
    }

    private static String lastLine(CliProcess.Result r) {
        String[] lines = r.stderr().strip().split("\n");
        return lines[lines.length - 1];
    }
}
