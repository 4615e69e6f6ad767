// Metrics on vs off, same package and event load, one run: a getpid() fills the ring buffer with `events` events,
// then ebpm's run loop drains them (formatting every event as `ebpm run` prints it, into a null stream), with and
// without a counter labelled {pid, comm, key} (`keys` label sets) attached; rounds alternate, best of each is kept.
// Then GET /metrics of the last metered run is timed. Run through bench/metrics/run.sh.
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.metrics.MetricsHost;
import dev.ebpm.metrics.MetricsOptions;
import dev.ebpm.metrics.RunMetrics;
import dev.ebpm.metrics.config.ExporterConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public class MetricsBench {
    public interface Libc { long getpid(); }

    public static void main(String[] args) throws Exception {
        byte[] pkg = Files.readAllBytes(Path.of(args[0]));
        int events = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int keys = Integer.parseInt(args[3]); // label sets the counter sees
        int scrapes = args.length > 4 ? Integer.parseInt(args[4]) : 25;
        Libc libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        PackageReader.Decoded decoded = PackageReader.read(pkg, args[0]);
        RunOptions options = new RunOptions(Map.of("target_tgid", Long.toString(ProcessHandle.current().pid()), "events_per_trigger", Integer.toString(events),
                "keys", Integer.toString(keys)),
                EventFormatter.Mode.TABLE, Optional.empty(), Optional.empty(), Optional.empty(), null, false, RunOptions.Printk.HIDE);
        ExporterConfig.Counter counter = new ExporterConfig.Counter("bench_events", "events by pid, comm and key", List.of(
                new ExporterConfig.Label("pid", "pid", "bench"), new ExporterConfig.Label("comm", "comm", "bench"), new ExporterConfig.Label("key", "key", "bench")), "bench");
        double bestOff = 0, bestOn = 0;
        MetricsOptions serve = new MetricsOptions(Optional.of(new InetSocketAddress("127.0.0.1", 0)), Optional.empty(), List.of(), 10_000, Optional.empty(),
                Duration.ofSeconds(10));
        try (MetricsHost host = MetricsHost.start(serve, Map.of(), Map.of())) {
            for (int r = 0; r < rounds * 2; r++) {
                boolean on = r % 2 == 1;
                RunMetrics metrics = on ? new RunMetrics("metricsbench", Map.of("package", "metricsbench"), List.of(counter), List.of(), 10_000, System.err) : null;
                double rate = drain(decoded, options, libc, events, metrics);
                if (on) {
                    bestOn = Math.max(bestOn, rate);
                    if (r == rounds * 2 - 1) host.attach(metrics); // the last metered run stays to be scraped
                } else {
                    bestOff = Math.max(bestOff, rate);
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + host.address().orElseThrow().getPort() + "/metrics");
            List<Double> ms = new ArrayList<>();
            int lines = 0;
            for (int i = 0; i < scrapes; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                ms.add((System.nanoTime() - t0) / 1e6);
                lines = (int) resp.body().lines().filter(l -> l.startsWith("bench_events_total{")).count();
            }
            List<Double> warm = new ArrayList<>(ms.subList(Math.min(5, ms.size()), ms.size())); // the first ones warm the JIT up
            Collections.sort(warm);
            double median = warm.isEmpty() ? 0 : warm.get(warm.size() / 2);
            double slowest = warm.isEmpty() ? 0 : warm.get(warm.size() - 1);
            System.out.printf("%.0f %.0f %d %.2f %.2f%n", bestOff, bestOn, lines, median, slowest);
        }
    }

    /** One round: fill the buffer, then time the run loop until it has read every event. */
    static double drain(PackageReader.Decoded decoded, RunOptions options, Libc libc, int events, RunMetrics metrics) throws Exception {
        try (SkeletonRunner runner = SkeletonRunner.start(decoded, "metricsbench", options, System.err)) {
            if (metrics != null) runner.observe(metrics);
            libc.getpid(); // the BPF program emits `events` events now
            long[] done = new long[1];
            Thread watcher = new Thread(() -> { // sleeps between looks: a spinning watcher would take a core from the run loop
                try {
                    while (runner.eventsSeen() < events) Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done[0] = System.nanoTime();
                runner.stop();
            });
            long t0 = System.nanoTime();
            watcher.start();
            runner.run(OutputStream.nullOutputStream());
            watcher.join();
            return events / ((done[0] - t0) / 1e9);
        }
    }
}
