package dev.ebpm.cli.run;

import dev.ebpm.cli.options.MetricsFlags;
import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ebpm exporter --config FILE}: eunomia-exporter's server, as a drop-in. */
@Command(
        name = "exporter",
        description = {"Serve Prometheus metrics as eunomia-exporter does.", "",
            "Serve Prometheus metrics from eBPF programs, as eunomia-exporter does: run the programs of an eunomia-exporter",
            "config (unchanged), count their events into its counters, and serve GET /metrics, POST /start (one program",
            "object, answers {\"id\":N}), POST /stop ({\"id\":N}) and GET /list on 127.0.0.1:8526 until Ctrl-C.",
            "",
            "A program names an installed (or hub) package with `package: NAME`, or by its name; a package file",
            "(compiled_ebpf_filename) or inline ebpf_data runs only with --allow-unsigned.",
        },
        footer = {"", "Examples:", "  sudo ebpm exporter --config config.yaml --allow-unsigned", "  sudo ebpm exporter --listen 0.0.0.0:8526 --otlp http://127.0.0.1:4318"})
public final class ExporterCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "eunomia-exporter config (YAML, or JSON for *.json)")
    Path config;

    @Option(names = "--listen", paramLabel = "[ADDR:]PORT", description = "where to serve (default: 127.0.0.1:8526)")
    String listen;

    @Option(names = "--allow-unsigned", description = "run package files and inline ebpf_data, which nothing signs")
    boolean allowUnsigned;

    @Option(names = "--otlp", paramLabel = "ENDPOINT", description = "also push the metrics to an OTLP/HTTP receiver")
    String otlp;

    @Option(names = "--otlp-interval", paramLabel = "SECONDS", description = "how often to push to --otlp (default: 10)")
    Double otlpInterval;

    @Option(names = "--metrics-max-series", paramLabel = "N", description = "most label sets one metric keeps (default: 10000)")
    Integer maxSeries;

    @Mixin StoreOptions store = new StoreOptions();

    @Mixin NetworkOptions network = new NetworkOptions();

    @Override
    public Integer call() throws InterruptedException {
        MetricsFlags flags = new MetricsFlags();
        flags.listen = listen;
        flags.otlp = otlp;
        flags.otlpIntervalSeconds = otlpInterval;
        flags.maxSeries = maxSeries;
        try (Session session = Session.open(store.settings(network.offline, true, false))) {
            return MetricsWiring.serveExporter(session, Optional.ofNullable(config), flags, allowUnsigned);
        }
    }
}
