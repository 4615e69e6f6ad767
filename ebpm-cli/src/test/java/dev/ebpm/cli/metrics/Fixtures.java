package dev.ebpm.cli.metrics;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the metrics tests share: an opensnoop package beside eunomia-exporter's own config, and reading ebpm's endpoint. */
final class Fixtures {
    /** eunomia-exporter's README config, unchanged. */
    static final String EUNOMIA_CONFIG = """
            programs:
            - name: opensnoop
              metrics:
                counters:
                - name: eunomia_file_open_counter
                  description: test
                  labels:
                  - name: pid
                  - name: comm
                  - name: filename
                    from: fname
              compiled_ebpf_filename: package.json
            """;
    static final Duration READY = Duration.ofSeconds(90);

    private Fixtures() {}

    private static Path store;

    /**
     * A store of these tests' own, one per JVM (the user's may belong to another ebpm version; a fresh one per test
     * would sign the bundled examples again each time).
     */
    static synchronized Map<String, String> env(Path ignoredTestDir) throws java.io.IOException {
        if (store == null) {
            store = Files.createTempDirectory("ebpm-metrics-tests-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(store)));
        }
        return Map.of("EBPM_HOME", store.toString());
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temp directory: the system cleans it eventually
        }
    }

    /** {@code dir/config.yaml} (the config above) and {@code dir/package.json} (the opensnoop example as `ebpm build` makes it). */
    static Path opensnoopWithConfig(Path dir) throws Exception {
        Path pkg = Examples.built("opensnoop").resolve("package.json");
        Files.copy(pkg, dir.resolve("package.json"));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, EUNOMIA_CONFIG);
        return config;
    }

    /** "127.0.0.1:PORT" from ebpm's "metrics at http://127.0.0.1:PORT/metrics" (or the exporter's) line. */
    static String endpoint(CliProcess ebpm) throws InterruptedException {
        ebpm.awaitStderr(" at http://", READY);
        Pattern endpoint = Pattern.compile(" at http://([0-9.]+:\\d+)/metrics");
        for (int i = 0; i < 100; i++) { // the line was queued; its copy in stderr() follows a moment later
            Matcher m = endpoint.matcher(ebpm.stderr());
            if (m.find()) return m.group(1);
            Thread.sleep(20);
        }
        throw new AssertionError("no endpoint in: " + ebpm.stderr());
    }

    static HttpResponse<String> get(String endpoint, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + endpoint + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String endpoint, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + endpoint + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens {@code file} from a child process (cat), and returns the child's pid. */
    static long openFrom(Path file) throws Exception {
        Process cat = new ProcessBuilder("cat", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        cat.waitFor();
        return cat.pid();
    }
}
