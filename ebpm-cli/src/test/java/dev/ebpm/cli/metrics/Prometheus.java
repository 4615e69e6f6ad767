package dev.ebpm.cli.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Debian's real Prometheus on a free loopback port, scraping the given targets every second; asked through its HTTP API. */
final class Prometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private Prometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The scrape config docs/metrics.md shows, pointed at these targets ("127.0.0.1:PORT") instead of its example's. */
    static String scrapeConfig(List<String> targets) throws IOException {
        String doc = Files.readString(dev.ebpm.cli.CliProcess.repoRoot().resolve("docs/metrics.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<!-- scrape config -->\\s*```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(doc);
        if (!m.find()) throw new AssertionError("docs/metrics.md has no scrape config block");
        String example = "['127.0.0.1:9464']";
        if (!m.group(1).contains(example)) throw new AssertionError("the documented scrape config targets " + example + ": " + m.group(1));
        return m.group(1).replace(example, "[" + String.join(", ", targets.stream().map(t -> "'" + t + "'").toList()) + "]");
    }

    static Prometheus start(Path work, List<String> targets) throws IOException, InterruptedException {
        int port = freePort();
        Files.createDirectories(work);
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, scrapeConfig(targets));
        Path log = work.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Prometheus prom = new Prometheus(p, port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("prometheus exited: " + Files.readString(log));
            try {
                if (prom.get("/-/ready").statusCode() == 200) return prom;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        prom.close();
        throw new IOException("prometheus was not ready in 30 s: " + Files.readString(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code /api/v1/query}: the result vector of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = new ObjectMapper().readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) throw new IOException("query " + promql + " failed: " + r.body());
        return body.path("data").path("result");
    }

    /** Asks until the result satisfies {@code done}, for up to {@code timeout}; fails with the last answer. */
    JsonNode awaitQuery(String promql, Predicate<JsonNode> done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = query(promql);
            if (done.test(last)) return last;
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus never answered " + promql + " as expected; last: " + last + "; targets: "
                + new String(get("/api/v1/targets").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8) + "; log: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
