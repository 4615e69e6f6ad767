package dev.ebpm.cli.options;

import dev.ebpm.cli.output.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The metrics options of {@code ebpm run} (and the exporter's share of them). Plain fields and no metrics type in any
 * signature: picocli reflects on this class at every start, and nothing of the metrics module may load then
 * (dev.ebpm.cli.run.MetricsWiring turns them into the module's options).
 */
public final class MetricsFlags {
    /** Options that take a value, as they may also follow the package's name. */
    public static final List<String> VALUED = List.of("--metrics", "--metrics-config", "--metrics-map", "--metrics-max-series", "--otlp", "--otlp-interval");

    @Option(names = "--metrics", paramLabel = "[ADDR:]PORT",
            description = "serve Prometheus/OpenMetrics text at http://ADDR:PORT/metrics (ADDR defaults to 127.0.0.1; port 0 picks one)")
    public String listen;

    @Option(names = "--metrics-config", paramLabel = "FILE",
            description = "an eunomia-exporter config (YAML, or JSON for *.json): counters labelled with event fields; without PKG, runs its program")
    public Path config;

    @Option(names = "--metrics-map", paramLabel = "MAP", description = "show the values of MAP as gauges (repeatable)")
    public List<String> maps = new ArrayList<>();

    @Option(names = "--metrics-max-series", paramLabel = "N", description = "most label sets one metric keeps; more are counted as dropped (default: 10000)")
    public Integer maxSeries;

    @Option(names = "--otlp", paramLabel = "ENDPOINT", description = "push the same metrics to an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318")
    public String otlp;

    @Option(names = "--otlp-interval", paramLabel = "SECONDS", description = "how often to push to --otlp (default: 10)")
    public Double otlpIntervalSeconds;

    /** Whether the run needs a metrics host. */
    public boolean requested() {
        return listen != null || otlp != null;
    }

    /** Whether any metrics option was given at all (a config or map without an endpoint is a mistake). */
    public boolean anyGiven() {
        return requested() || config != null || !maps.isEmpty() || maxSeries != null || otlpIntervalSeconds != null;
    }

    /** Takes {@code --name value} found after the package's name; false if {@code name} is not one of these options. */
    public boolean take(String name, String value) {
        switch (name) {
            case "--metrics" -> listen = value;
            case "--metrics-config" -> config = Path.of(value);
            case "--metrics-map" -> maps.add(value);
            case "--metrics-max-series" -> maxSeries = parseInt(name, value);
            case "--otlp" -> otlp = value;
            case "--otlp-interval" -> otlpIntervalSeconds = parseSeconds(name, value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The same options as words, as a detached run records them for {@code ps --json} (the config as an absolute path). */
    public List<String> words() {
        List<String> w = new ArrayList<>();
        if (listen != null) w.addAll(List.of("--metrics", listen));
        if (config != null) w.addAll(List.of("--metrics-config", config.toAbsolutePath().toString()));
        for (String m : maps) w.addAll(List.of("--metrics-map", m));
        if (maxSeries != null) w.addAll(List.of("--metrics-max-series", maxSeries.toString()));
        if (otlp != null) w.addAll(List.of("--otlp", otlp));
        if (otlpIntervalSeconds != null) w.addAll(List.of("--otlp-interval", otlpIntervalSeconds.toString()));
        return w;
    }

    private static int parseInt(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError(option + " expects a whole number, got '" + v + "'");
        }
    }

    private static double parseSeconds(String option, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d <= 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UserError(option + " expects seconds above 0 (e.g. 10 or 0.5), got '" + v + "'");
        }
    }
}
