package dev.ebpm.metrics;

import dev.ebpm.core.runs.MetricsRequest;
import dev.ebpm.metrics.config.ConfigReader;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a user asked for: a Prometheus endpoint ({@code --metrics [ADDR:]PORT}), an eunomia-exporter config (read), maps
 * to show as gauges, the series cap, and an OTLP endpoint to push to.
 */
public record MetricsOptions(
        Optional<InetSocketAddress> listen,
        Optional<ExporterConfig> config,
        List<String> gaugeMaps,
        int maxSeries,
        Optional<URI> otlp,
        Duration otlpInterval) {
    public static final int DEFAULT_MAX_SERIES = 10_000;
    public static final Duration DEFAULT_OTLP_INTERVAL = Duration.ofSeconds(10);

    public MetricsOptions {
        gaugeMaps = List.copyOf(gaugeMaps);
        if (maxSeries < 1) throw new MetricsConfigException("--metrics-max-series must be at least 1, got " + maxSeries);
    }

    /**
     * The options a request names, each checked: the CLI reads its flags into a request and this, foreground or
     * detached; the daemon reads a detached run's request (from its start, or from run.json) with this again.
     *
     * @throws MetricsConfigException one line naming the option, or the config's file and line
     */
    public static MetricsOptions of(MetricsRequest r) {
        return new MetricsOptions(
                Optional.ofNullable(r.listen()).map(l -> parseListen(l, "--metrics")),
                Optional.ofNullable(r.config()).map(c -> ConfigReader.read(c.text(), c.origin(), null)),
                r.maps(),
                r.maxSeries() == null ? DEFAULT_MAX_SERIES : r.maxSeries(),
                Optional.ofNullable(r.otlp()).map(MetricsOptions::parseOtlp),
                r.otlpIntervalMillis() == null ? DEFAULT_OTLP_INTERVAL : Duration.ofMillis(r.otlpIntervalMillis()));
    }

    /** {@code PORT} (on 127.0.0.1), {@code ADDR:PORT} or {@code [IPv6]:PORT}; port 0 picks a free one. */
    public static InetSocketAddress parseListen(String text, String option) {
        String host = "127.0.0.1";
        String port = text;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) throw new MetricsConfigException(option + " " + text + ": the address before ':' is empty (e.g. 127.0.0.1:9100 or 9100)");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) throw new MetricsConfigException(option + " " + text + ": expected [ADDR:]PORT with a port from 0 to 65535");
        return new InetSocketAddress(host, p);
    }

    /** An OTLP/HTTP endpoint: {@code http(s)://HOST:PORT}, to which /v1/metrics is added unless a path is given. */
    public static URI parseOtlp(String text) {
        URI u;
        try {
            u = URI.create(text);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
            throw new MetricsConfigException("--otlp " + text + ": expected an OTLP/HTTP endpoint such as http://127.0.0.1:4318");
        }
        if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")) u = u.resolve("/v1/metrics");
        return u;
    }
}
