package dev.ebpm.cli.run;

import dev.ebpm.cli.options.Release;
import dev.ebpm.cli.options.MetricsFlags;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.metrics.ConfiguredPrograms;
import dev.ebpm.metrics.MeteredRun;
import dev.ebpm.metrics.MetricsOptions;
import dev.ebpm.metrics.config.ConfigReader;
import dev.ebpm.metrics.exporter.Exporter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the commands meet the metrics module. Kept out of the command classes, whose signatures picocli reflects on
 * at every start: the metrics module (and Prometheus and OpenTelemetry behind it) loads only when a metrics option is
 * used.
 */
final class MetricsWiring {
    private MetricsWiring() {}

    /** The module's options from the flags; {@code defaultListen} when --metrics is not given (the exporter's address). */
    static MetricsOptions options(MetricsFlags f, Optional<InetSocketAddress> defaultListen) {
        if (!f.requested() && defaultListen.isEmpty() && f.anyGiven()) {
            throw new UserError("--metrics-config, --metrics-map and the other metrics options need --metrics [ADDR:]PORT or --otlp ENDPOINT");
        }
        return new MetricsOptions(
                f.listen != null ? Optional.of(MetricsOptions.parseListen(f.listen, "--metrics")) : defaultListen,
                Optional.ofNullable(f.config),
                f.maps,
                f.maxSeries == null ? MetricsOptions.DEFAULT_MAX_SERIES : f.maxSeries,
                Optional.ofNullable(f.otlp).map(MetricsOptions::parseOtlp),
                f.otlpIntervalSeconds == null ? MetricsOptions.DEFAULT_OTLP_INTERVAL : Duration.ofMillis((long) (f.otlpIntervalSeconds * 1000)));
    }

    /** The package of a config's only program ({@code ebpm run --metrics-config FILE} with no PKG). */
    static RunnablePackage configuredProgram(RunLocator locator, Path config, boolean allowUnsigned) {
        return ConfiguredPrograms.locate(locator, ConfiguredPrograms.onlyProgram(config), true, allowUnsigned);
    }

    /**
     * Runs {@code body} with the run's metrics served (and pushed) around it, announced on standard error; a failure to
     * start serving goes to {@code failed} first (a detached run records it).
     */
    static int metered(RunCommand.Prepared p, MetricsFlags flags, Optional<String> runId, Function<RunObserver, Integer> body) {
        return metered(p, flags, runId, body, message -> {});
    }

    static int metered(RunCommand.Prepared p, MetricsFlags flags, Optional<String> runId, Function<RunObserver, Integer> body, Consumer<String> failed) {
        MeteredRun m;
        MetricsOptions options;
        try {
            options = options(flags, Optional.empty());
            m = MeteredRun.open(options, p.pkg(), runId, Release.VERSION, System.err);
        } catch (RuntimeException e) {
            failed.accept(e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " "));
            throw e;
        }
        try (m) {
            m.address().ifPresent(a -> System.err.println("ebpm: metrics at http://" + hostPort(a) + "/metrics"));
            options.otlp().ifPresent(u -> System.err.println("ebpm: pushing metrics to " + u + " every " + options.otlpInterval().toMillis() / 1000.0 + " s"));
            return body.apply(m.observer());
        }
    }

    /** {@code ebpm exporter}: serves until Ctrl-C, then stops every program. */
    static int serveExporter(Session session, Optional<Path> config, MetricsFlags flags, boolean allowUnsigned) throws InterruptedException {
        MetricsOptions options = options(flags, Optional.of(Exporter.DEFAULT_LISTEN));
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
