package dev.ebpm.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data points of one scrape, gathered from every run by metric name, then made into the Prometheus client's
 * snapshots: several runs (the exporter's programs) feed one family each.
 */
final class MetricFamilies {
    private enum Type { COUNTER, GAUGE, HISTOGRAM }

    private record Family(Type type, String help, List<Object> points) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    private Family family(String name, Type type, String help) {
        Family f = families.computeIfAbsent(name, n -> new Family(type, help, new ArrayList<>()));
        if (f.type() != type) throw new IllegalStateException("metric " + name + " is both a " + f.type() + " and a " + type);
        return f;
    }

    /** A counter's value; {@code name} without the {@code _total} the exposition adds. */
    void counter(String name, String help, Labels labels, double value, long createdMillis) {
        family(name, Type.COUNTER, help).points().add(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(labels).value(value).createdTimestampMillis(createdMillis).build());
    }

    void gauge(String name, String help, Labels labels, double value) {
        family(name, Type.GAUGE, help).points().add(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    /**
     * A histogram from per-bucket counts: bucket {@code i} counts values up to {@code upperBounds[i]}; a last +Inf
     * bucket is added. Its sum is unknown (a map holds only bucket counts), so it has none.
     */
    void histogram(String name, String help, Labels labels, double[] upperBounds, long[] counts, long createdMillis) {
        double[] bounds = java.util.Arrays.copyOf(upperBounds, upperBounds.length + 1);
        bounds[upperBounds.length] = Double.POSITIVE_INFINITY;
        long[] c = java.util.Arrays.copyOf(counts, counts.length + 1);
        family(name, Type.HISTOGRAM, help).points().add(new HistogramSnapshot.HistogramDataPointSnapshot(
                ClassicHistogramBuckets.of(bounds, c), Double.NaN, labels, io.prometheus.metrics.model.snapshots.Exemplars.EMPTY, createdMillis));
    }

    /** Adds every point gathered here to {@code other}. */
    void copyInto(MetricFamilies other) {
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            other.family(e.getKey(), f.type(), f.help()).points().addAll(f.points());
        }
    }

    MetricSnapshots snapshots() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            MetricSnapshot s = switch (f.type()) {
                case COUNTER -> {
                    var b = CounterSnapshot.builder().name(e.getKey()).help(f.help());
                    for (Object p : f.points()) b.dataPoint((CounterSnapshot.CounterDataPointSnapshot) p);
                    yield b.build();
                }
                case GAUGE -> {
                    var b = GaugeSnapshot.builder().name(e.getKey()).help(f.help());
                    for (Object p : f.points()) b.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot) p);
                    yield b.build();
                }
                case HISTOGRAM -> {
                    var b = HistogramSnapshot.builder().name(e.getKey()).help(f.help());
                    for (Object p : f.points()) b.dataPoint((HistogramSnapshot.HistogramDataPointSnapshot) p);
                    yield b.build();
                }
            };
            out.metricSnapshot(s);
        }
        return out.build();
    }
}
