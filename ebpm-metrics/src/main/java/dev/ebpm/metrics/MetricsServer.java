package dev.ebpm.metrics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.ebpm.metrics.config.MetricsConfigException;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP endpoint: {@code GET /metrics} in Prometheus text or OpenMetrics (as the scraper's Accept header asks), by
 * the Prometheus client's own handler, plus any routes a host adds (the exporter's /start, /stop, /list).
 */
final class MetricsServer implements AutoCloseable {
    // a scraper that hangs up mid-answer (a broken pipe) is its own business, not a stack trace on the run's terminal
    private static final java.util.logging.Logger SEND_ERRORS = java.util.logging.Logger.getLogger("io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter");

    static {
        SEND_ERRORS.setLevel(java.util.logging.Level.OFF);
    }

    private final HttpServer server;
    private final ExecutorService threads;

    MetricsServer(InetSocketAddress listen, PrometheusRegistry registry, Map<String, HttpHandler> routes) {
        try {
            server = HttpServer.create(listen, 64);
        } catch (IOException e) {
            throw new MetricsConfigException("cannot serve metrics on " + listen.getHostString() + ":" + listen.getPort() + ": " + e.getMessage());
        }
        threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ebpm-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/metrics", new MetricsHandler(registry));
        routes.forEach(server::createContext);
        server.start();
    }

    /** Where it listens (the port the system picked, for port 0). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
