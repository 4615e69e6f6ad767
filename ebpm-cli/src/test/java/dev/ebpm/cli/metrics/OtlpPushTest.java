package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.cli.CliProcess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --otlp}: a receiver on loopback takes what ebpm's OpenTelemetry exporter posts, decodes it with the OTLP
 * protocol's own classes, and checks metric names, values, attributes and the resource that names service and run.
 */
class OtlpPushTest {
    /** Every ExportMetricsServiceRequest posted to /v1/metrics, decoded. */
    private static final class Receiver implements AutoCloseable {
        final LinkedBlockingQueue<ExportMetricsServiceRequest> requests = new LinkedBlockingQueue<>();
        final HttpServer server;

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext("/v1/metrics", ex -> {
                try (ex) {
                    boolean protobuf = "application/x-protobuf".equals(ex.getRequestHeaders().getFirst("Content-Type"));
                    if (protobuf) requests.add(ExportMetricsServiceRequest.parseFrom(ex.getRequestBody().readAllBytes()));
                    byte[] answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                    ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    ex.sendResponseHeaders(protobuf ? 200 : 415, answer.length == 0 ? -1 : answer.length);
                    if (answer.length > 0) ex.getResponseBody().write(answer);
                }
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** Waits for a pushed metric of this name with a point that {@code point} accepts; returns it with its resource. */
        Found await(String name, Predicate<Metric> metric, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                ExportMetricsServiceRequest r = requests.poll(200, TimeUnit.MILLISECONDS);
                if (r == null) continue;
                for (ResourceMetrics rm : r.getResourceMetricsList()) {
                    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                        for (Metric m : sm.getMetricsList()) {
                            seen.add(m.getName());
                            if (m.getName().equals(name) && metric.test(m)) return new Found(attributes(rm.getResource().getAttributesList()), m);
                        }
                    }
                }
            }
            throw new AssertionError("no pushed " + name + " as expected within " + timeout + "; names seen: " + new java.util.TreeSet<>(seen));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private record Found(Map<String, String> resource, Metric metric) {}

    static Map<String, String> attributes(List<KeyValue> kvs) {
        Map<String, String> out = new HashMap<>();
        for (KeyValue kv : kvs) out.put(kv.getKey(), kv.getValue().getStringValue());
        return out;
    }

    private static Optional<NumberDataPoint> pointWith(Metric m, String key, String value) {
        return m.getSum().getDataPointsList().stream().filter(p -> value.equals(attributes(p.getAttributesList()).get(key))).findFirst();
    }

    @Test
    void theEunomiaCounterAndRunqlatsHistogramArrivePushed(@TempDir Path dir) throws Exception {
        Path config = Fixtures.opensnoopWithConfig(dir);
        Path file = dir.resolve("ebpm-otlp-marker-" + System.nanoTime());
        Files.writeString(file, "x");
        try (Receiver receiver = new Receiver();
                CliProcess opensnoop = CliProcess.start(Fixtures.env(dir), "run", "--otlp", receiver.endpoint(), "--otlp-interval", "0.5", "--metrics-config", config.toString());
                CliProcess runqlat = CliProcess.start(Fixtures.env(dir), "run", "runqlat", "--otlp", receiver.endpoint(), "--otlp-interval", "0.5")) {
            opensnoop.awaitStderr("running", Fixtures.READY);
            runqlat.awaitStderr("running", Fixtures.READY);
            long cat = Fixtures.openFrom(file);

            Found counter = receiver.await("eunomia_file_open_counter", m -> pointWith(m, "filename", file.toString()).isPresent(), Duration.ofSeconds(30));
            assertTrue(counter.metric().getSum().getIsMonotonic(), "a counter is a monotonic sum");
            assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, counter.metric().getSum().getAggregationTemporality());
            assertEquals("test", counter.metric().getDescription(), "the config's description");
            NumberDataPoint p = pointWith(counter.metric(), "filename", file.toString()).orElseThrow();
            Map<String, String> attrs = attributes(p.getAttributesList());
            assertEquals(Map.of("filename", file.toString(), "comm", "cat", "pid", Long.toString(cat), "package", "opensnoop"), attrs);
            assertEquals(1.0, p.getAsDouble(), "one open");
            assertEquals("ebpm", counter.resource().get("service.name"), counter.resource().toString());
            assertEquals("opensnoop", counter.resource().get("ebpm.package"), counter.resource().toString());
            assertEquals("0.1.0", counter.resource().get("service.version"), counter.resource().toString());
            assertEquals(Long.toString(opensnoop.pid()), counter.resource().get("process.pid"), counter.resource().toString());

            Found events = receiver.await("ebpm_events", m -> pointWith(m, "package", "opensnoop").map(e -> e.getAsDouble() >= 1).orElse(false),
                    Duration.ofSeconds(10));
            assertTrue(events.metric().getSum().getIsMonotonic());

            Found hist = receiver.await("ebpm_histogram", m -> m.hasHistogram() && m.getHistogram().getDataPointsCount() > 0
                    && m.getHistogram().getDataPoints(0).getCount() > 0, Duration.ofSeconds(30));
            HistogramDataPoint h = hist.metric().getHistogram().getDataPoints(0);
            assertEquals(List.of(1.0, 3.0, 7.0, 15.0), h.getExplicitBoundsList().subList(0, 4), "runqlat's log2 bounds");
            assertEquals(h.getExplicitBoundsCount() + 1, h.getBucketCountsCount(), "one count per bucket and one above the last bound");
            assertEquals(h.getCount(), h.getBucketCountsList().stream().mapToLong(Long::longValue).sum(), "the count is the buckets' total");
            assertEquals(Map.of("package", "runqlat", "map", "hists", "unit", "usecs", "key", "0"), attributes(h.getAttributesList()));
            assertEquals("runqlat", hist.resource().get("ebpm.package"));
        }
    }
}
