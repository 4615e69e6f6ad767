package dev.ebpm.cli.run;

import dev.ebpm.cli.options.Release;
import dev.ebpm.cli.options.MetricsFlags;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.MetricsRequest;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.metrics.ConfiguredPrograms;
import dev.ebpm.metrics.MeteredRun;
import dev.ebpm.metrics.MetricsOptions;
import dev.ebpm.metrics.config.ConfigReader;
import dev.ebpm.metrics.exporter.Exporter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Where the commands meet the metrics module. Kept out of the command classes, whose signatures picocli reflects on
 * at every start: the metrics module (and Prometheus and OpenTelemetry behind it) loads only when a metrics option is
 * used.
 */
final class MetricsWiring {
    private MetricsWiring() {}

    /** The module's options from the flags: the addresses parsed, the config read (a mistake is one line naming the file and line). */
    static MetricsOptions options(MetricsFlags f) {
        return MetricsOptions.of(request(f));
    }

    /**
     * What a detached run carries to the daemon in its RunSpec (the config as its text), checked here as
     * {@link #options} checks it, so that a mistake ends the command before a daemon is asked (or started).
     */
    static MetricsRequest detachedRequest(MetricsFlags f) {
        MetricsRequest r = request(f);
        MetricsOptions.of(r);
        return r;
    }

    private static MetricsRequest request(MetricsFlags f) {
        if (!f.requested()) {
            throw new UserError("--metrics-config, --metrics-map and the other metrics options need --metrics [ADDR:]PORT or --otlp ENDPOINT");
        }
        return new MetricsRequest(f.listen, f.config == null ? null : new MetricsRequest.Config(f.config.toString(), ConfigReader.text(f.config)),
                f.maps, f.maxSeries, f.otlp, f.otlpIntervalSeconds == null ? null : (long) (f.otlpIntervalSeconds * 1000));
    }

    /** The package of a config's only program ({@code ebpm run --metrics-config FILE} with no PKG). */
    static RunnablePackage configuredProgram(RunLocator locator, Path config, boolean allowUnsigned) {
        return ConfiguredPrograms.locate(locator, ConfiguredPrograms.onlyProgram(config), true, allowUnsigned);
    }

    /** Runs {@code body} with the run's metrics served (and pushed) around it, announced on standard error. */
    static int metered(RunCommand.Prepared p, MetricsFlags flags, Function<RunObserver, Integer> body) {
        MetricsOptions options = options(flags);
        try (MeteredRun m = MeteredRun.open(options, p.pkg(), Optional.empty(), Release.VERSION, System.err)) {
            m.address().ifPresent(a -> System.err.println("ebpm: metrics at http://" + hostPort(a) + "/metrics"));
            options.otlp().ifPresent(u -> System.err.println("ebpm: pushing metrics to " + u + " every " + options.otlpInterval().toMillis() / 1000.0 + " s"));
            return body.apply(m.observer());
        }
    }

    /** {@code ebpm exporter}: serves until Ctrl-C, then stops every program. */
    static int serveExporter(Session session, Optional<Path> config, MetricsFlags flags, boolean allowUnsigned) throws InterruptedException {
        if (flags.listen == null) flags.listen = hostPort(Exporter.DEFAULT_LISTEN);
        MetricsOptions options = options(flags);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Exporter exporter = Exporter.start(session, config.map(ConfigReader::read), options, allowUnsigned, Release.VERSION, System.err)) {
            exporter.address().ifPresent(a -> System.err.println("ebpm: exporter at http://" + hostPort(a) + "/metrics; Ctrl-C to stop"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                exporter.close();
                stopped.countDown();
            }, "ebpm-exporter-shutdown"));
            stopped.await();
        }
        return 0;
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
