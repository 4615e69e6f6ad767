package dev.ebpm.metrics;

import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What serves the metrics of the runs of one process: a Prometheus registry over every attached {@link RunMetrics},
 * the HTTP endpoint and the OTLP push when asked for. A foreground run, each metered run in the daemon and the exporter each
 * have one; runs attach and detach as they start and stop. Closing pushes the final values and stops serving.
 */
public final class MetricsHost implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<RunMetrics> runs = new CopyOnWriteArrayList<>();
    private MetricsServer server;
    private OtlpPush otlp;
    private boolean closed;

    private MetricsHost() {
        registry.register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                MetricFamilies families = new MetricFamilies();
                for (RunMetrics r : runs) r.collect(families);
                return families.snapshots();
            }
        });
    }

    /**
     * Starts serving as {@code options} say.
     *
     * @param service  what the OTLP resource says: {@code service.version} and attributes of the run
     *                 ({@code ebpm.package}, {@code ebpm.run.id}); {@code service.name} is ebpm
     * @param routes   more HTTP routes beside /metrics (the exporter's)
     */
    public static MetricsHost start(MetricsOptions options, Map<String, String> service, Map<String, HttpHandler> routes) {
        MetricsHost h = new MetricsHost();
        try {
            if (options.listen().isPresent()) h.server = new MetricsServer(options.listen().get(), h.registry, routes);
            if (options.otlp().isPresent()) h.otlp = new OtlpPush(options.otlp().get(), options.otlpInterval(), h.registry, resource(service));
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private static Map<String, String> resource(Map<String, String> service) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("service.name", "ebpm");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        r.put("host.name", host);
        r.put("service.instance.id", host + "-" + ProcessHandle.current().pid());
        r.put("process.pid", Long.toString(ProcessHandle.current().pid()));
        r.putAll(service);
        return r;
    }

    /** Serves {@code run}'s metrics from now on. */
    public void attach(RunMetrics run) {
        runs.add(run);
    }

    /** Stops serving {@code run}'s metrics (the exporter's /stop). */
    public void detach(RunMetrics run) {
        runs.remove(run);
    }

    /** Where /metrics is served, if it is. */
    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(server).map(MetricsServer::address);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (otlp != null) otlp.close();
        } finally {
            if (server != null) server.close();
        }
    }
}
