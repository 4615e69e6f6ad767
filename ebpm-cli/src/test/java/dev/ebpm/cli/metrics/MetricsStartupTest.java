package dev.ebpm.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up time is part of the product: commands without a metrics option load no class of Prometheus, OpenTelemetry or ebpm-metrics. */
class MetricsStartupTest {
    private static final List<String> METRICS_PACKAGES = List.of("io.prometheus.", "io.opentelemetry.", "dev.ebpm.metrics.", "org.yaml.snakeyaml.");

    private static List<String> loadedMetricsClasses(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class",
                "-cp", System.getProperty("java.class.path"), "-Debpm.examples=" + CliProcess.repoRoot().resolve("examples"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out.lines().filter(l -> !l.startsWith("[")).toList().toString());
        assertTrue(out.contains("dev.ebpm.cli.Main"), "class loading is logged");
        return out.lines().filter(l -> l.contains("[class,load]")).filter(l -> METRICS_PACKAGES.stream().anyMatch(l::contains)).toList();
    }

    @Test
    void versionListAndAPlainRunLoadNoMetricsClass(@TempDir Path dir) throws Exception {
        Map<String, String> env = Fixtures.env(dir);
        assertEquals(List.of(), loadedMetricsClasses(env, "--version"));
        assertEquals(List.of(), loadedMetricsClasses(env, "list"));
        assertEquals(List.of(), loadedMetricsClasses(env, "run", "sigsnoop", "--duration", "0.3"));
        List<String> metered = loadedMetricsClasses(env, "run", "sigsnoop", "--duration", "0.3", "--metrics", "127.0.0.1:0");
        assertTrue(metered.stream().anyMatch(l -> l.contains("io.prometheus.metrics.exporter.httpserver")), "and with --metrics they load: " + metered);
    }
}
