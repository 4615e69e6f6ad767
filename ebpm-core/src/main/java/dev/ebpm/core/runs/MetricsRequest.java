package dev.ebpm.core.runs;

import java.util.List;

/**
 * The metrics a detached run asks for ({@code ebpm run -d PKG --metrics ...}), kept in its {@link RunSpec} so that the
 * daemon serves them and serves them again whenever it starts the run again from run.json. Plain values: ebpm-core does
 * not read them (the daemon's ebpm-metrics does), and the CLI checked them before sending.
 *
 * <p>The config travels as its text, not its path: run.json must be enough to start the run again after a reboot, when
 * the file may have changed or gone, and the daemon may not see the user's files at all (another mount namespace, a
 * systemd unit with ProtectHome).
 *
 * @param listen             {@code --metrics [ADDR:]PORT} as typed; null serves no endpoint
 * @param config             {@code --metrics-config}: an eunomia-exporter config's text; null for none
 * @param maps               {@code --metrics-map} names
 * @param maxSeries          {@code --metrics-max-series}; null for the default
 * @param otlp               {@code --otlp ENDPOINT} as typed; null pushes nothing
 * @param otlpIntervalMillis {@code --otlp-interval}; null for the default
 */
public record MetricsRequest(String listen, Config config, List<String> maps, Integer maxSeries, String otlp, Long otlpIntervalMillis) {
    public MetricsRequest {
        maps = maps == null ? List.of() : List.copyOf(maps);
    }

    /**
     * An eunomia-exporter config as it was read when the run started.
     *
     * @param origin the path as the user typed it: errors name it with a line number, and a name ending in
     *               {@code .json} is read as JSON
     * @param text   the file's contents
     */
    public record Config(String origin, String text) {}
}
