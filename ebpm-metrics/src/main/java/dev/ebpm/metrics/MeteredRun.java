package dev.ebpm.metrics;

import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.host.RunMetering;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of one {@code ebpm run} (foreground, or detached in the daemon, as its {@link RunMetering.Meter}): the
 * counters its eunomia-exporter config gives the package, a {@link MetricsHost} serving them, and the
 * {@link RunObserver} to hand the run.
 */
public final class MeteredRun implements RunMetering.Meter {
    private final MetricsHost host;
    private final RunMetrics metrics;
    private final Thread onExit;

    private MeteredRun(MetricsHost host, RunMetrics metrics) {
        this.host = host;
        this.metrics = metrics;
        // Ctrl-C ends the JVM once the run is released: push the final values before that, alongside the run's own hook
        this.onExit = new Thread(host::close, "ebpm-metrics-shutdown");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * @param runId        a detached run's id (a {@code run} label and attribute), or empty
     * @param ebpmVersion  for the OTLP resource's service.version
     * @param notes        where notes go (no program run times, and why)
     */
    public static MeteredRun open(MetricsOptions options, RunnablePackage pkg, Optional<String> runId, String ebpmVersion, PrintStream notes) {
        List<ExporterConfig.Counter> counters = List.of();
        if (options.config().isPresent()) {
            ExporterConfig config = options.config().get();
            ExporterConfig.Program p = config.programFor(pkg.name()).orElseThrow(() -> new MetricsConfigException(config.origin()
                    + " has no program named " + pkg.name() + " (programs: "
                    + String.join(", ", config.programs().stream().map(ExporterConfig.Program::name).toList()) + ")"));
            counters = p.counters();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("package", pkg.name());
        runId.ifPresent(id -> labels.put("run", id));
        Map<String, String> service = new LinkedHashMap<>();
        service.put("service.version", ebpmVersion);
        service.put("ebpm.package", pkg.name());
        if (pkg.version() != null) service.put("ebpm.package.version", pkg.version());
        runId.ifPresent(id -> service.put("ebpm.run.id", id));
        RunMetrics metrics = new RunMetrics(pkg.name(), labels, counters, options.gaugeMaps(), options.maxSeries(), notes);
        MetricsHost host = MetricsHost.start(options, service, Map.of());
        host.attach(metrics);
        return new MeteredRun(host, metrics);
    }

    @Override
    public RunObserver observer() {
        return metrics;
    }

    /** Where /metrics is served, if it is. */
    @Override
    public Optional<InetSocketAddress> address() {
        return host.address();
    }

    /** Pushes the final values (OTLP) and stops serving. */
    @Override
    public void close() {
        host.close();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
