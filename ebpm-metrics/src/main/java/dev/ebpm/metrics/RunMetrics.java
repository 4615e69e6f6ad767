package dev.ebpm.metrics;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.BpfStats;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.EventLayout;
import dev.ebpm.loader.event.Field;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.run.HistogramSample;
import dev.ebpm.loader.run.RunObserver;
import dev.ebpm.loader.run.SkeletonRunner;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of one run, attached to it as its {@link RunObserver}: the configured event counters (counted on the
 * run's thread as events pass), and what needs no config: events received and lost, every sampled histogram map, each
 * program's run time and run count (kernel BPF statistics, on while the run lasts), and the values of the maps named
 * with {@code --metrics-map}. Scrapes read it through {@link #collect} from any thread.
 */
public final class RunMetrics implements RunObserver {
    private final String packageName;
    private final Map<String, String> runLabels;
    private final List<ExporterConfig.Counter> counterConfigs;
    private final List<String> gaugeMaps;
    private final int maxSeries;
    private final PrintStream notes;
    private final long createdMillis = System.currentTimeMillis();
    private final Object lock = new Object(); // between scrapes that read the kernel and the run closing its object

    private SkeletonRunner run;
    private volatile EventCounter[] counters = new EventCounter[0];
    private volatile Map<String, HistogramReading> histograms = Map.of();
    private final AtomicLong droppedHistogramSeries = new AtomicLong();
    private final AtomicLong droppedMapSeries = new AtomicLong();
    private List<BpfProgram> programs = List.of();
    private List<MapGauge> gauges = List.of();
    private BpfStats stats;
    private boolean stopped;
    private MetricFamilies lastKernelReading; // what the kernel said last, kept for scrapes after the run stopped

    /**
     * @param runLabels labels every metric of this run carries ({@code package}, and {@code run} where a host has several)
     * @param counters  event counters from an eunomia-exporter config (may be empty)
     * @param gaugeMaps maps whose values become gauges
     * @param maxSeries the most label sets one metric keeps
     */
    public RunMetrics(String packageName, Map<String, String> runLabels, List<ExporterConfig.Counter> counters, List<String> gaugeMaps,
            int maxSeries, PrintStream notes) {
        this.packageName = packageName;
        this.runLabels = new LinkedHashMap<>(runLabels);
        this.counterConfigs = List.copyOf(counters);
        this.gaugeMaps = List.copyOf(gaugeMaps);
        this.maxSeries = maxSeries;
        this.notes = notes;
        for (ExporterConfig.Counter c : counters) {
            for (ExporterConfig.Label l : c.labels()) {
                if (this.runLabels.containsKey(l.name())) {
                    throw new MetricsConfigException(l.where() + ": label '" + l.name() + "' is one ebpm sets itself on every metric; name it otherwise");
                }
            }
        }
    }

    /** Checks the counters against the run's event layout and the named maps against its object; turns statistics on. */
    @Override
    public void started(SkeletonRunner r) {
        EventFormatter formatter = r.eventFormatter().orElse(null);
        if (formatter == null && !counterConfigs.isEmpty()) {
            throw new MetricsConfigException(counterConfigs.get(0).where() + ": counter '" + counterConfigs.get(0).name() + "' counts events, but "
                    + packageName + " has no ring or perf buffer that sends any");
        }
        EventCounter[] cs = new EventCounter[counterConfigs.size()];
        for (int i = 0; i < cs.length; i++) cs[i] = new EventCounter(counterConfigs.get(i), formatter, packageName, maxSeries);
        List<MapGauge> gs = new ArrayList<>();
        for (String name : gaugeMaps) gs.add(MapGauge.of(r, name));
        synchronized (lock) {
            run = r;
            counters = cs;
            gauges = gs;
            if (r.object() == null) {
                // an adopted run holds its pinned links and maps, not its programs
                notes.println("ebpm: no program run times for a run taken over from its pins (its programs are not loaded here)");
            } else {
                programs = r.object().programs().stream().filter(p -> p.fd() >= 0).toList();
                try {
                    stats = BpfStats.enable();
                } catch (BpfException e) {
                    notes.println("ebpm: no program run times: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void event(ByteBuffer buffer, int offset, int length) {
        EventCounter[] cs = counters;
        for (EventCounter c : cs) c.count(buffer, offset, length);
    }

    @Override
    public void histogram(HistogramSample sample) {
        Map<String, HistogramReading> all = new HashMap<>(histograms);
        HistogramReading before = all.get(sample.map());
        all.put(sample.map(), HistogramReading.next(before, sample, maxSeries, droppedHistogramSeries));
        histograms = all;
    }

    /** Reads the kernel one last time, then lets go of it (statistics off again unless others hold them). */
    @Override
    public void stopped() {
        synchronized (lock) {
            MetricFamilies last = new MetricFamilies();
            readKernel(last);
            lastKernelReading = last;
            stopped = true;
            if (stats != null) stats.close();
        }
    }

    /** Adds this run's data points to a scrape. */
    void collect(MetricFamilies out) {
        Labels base = labels(List.of(), List.of());
        SkeletonRunner r;
        synchronized (lock) {
            r = run;
        }
        if (r != null) {
            out.counter("ebpm_events", "Events the run's programs sent through ring and perf buffers", base, r.eventsSeen(), createdMillis);
            out.counter("ebpm_events_lost", "Events the kernel dropped because a ring or perf buffer was full", base, r.eventsLost(), createdMillis);
        }
        long dropped = droppedHistogramSeries.get() + droppedMapSeries.get();
        for (EventCounter c : counters) {
            SeriesTable t = c.series;
            List<String> names = c.config.labels().stream().map(ExporterConfig.Label::name).toList();
            for (int i = 0, n = t.size(); i < n; i++) {
                String[] values = t.labelValues(i);
                out.counter(c.config.name(), c.config.description(), t.labels(i, () -> labels(names, List.of(values))), t.count(i), createdMillis);
            }
            dropped += t.dropped();
        }
        for (HistogramReading h : histograms.values()) h.collect(out, this);
        synchronized (lock) {
            if (stopped) {
                if (lastKernelReading != null) lastKernelReading.copyInto(out);
            } else if (run != null) {
                readKernel(out);
            }
        }
        out.counter("ebpm_series_dropped", "Label sets left out because a metric reached its series cap (--metrics-max-series)", base, dropped, createdMillis);
    }

    /** Program statistics and map gauges: what has to be read from the kernel, under the lock. */
    private void readKernel(MetricFamilies out) {
        if (stats != null) {
            for (BpfProgram p : programs) {
                BpfProgram.RunStats s = p.stats();
                Labels l = labels(List.of("program"), List.of(p.name()));
                out.counter("ebpm_program_run_time_seconds", "Time the program ran in the kernel while statistics were on", l, s.runTimeNanos() / 1e9, createdMillis);
                out.counter("ebpm_program_runs", "Times the program ran while statistics were on", l, s.runCount(), createdMillis);
            }
        }
        for (MapGauge g : gauges) g.collect(out, this, maxSeries, droppedMapSeries);
    }

    /** The run's labels followed by {@code names} = {@code values}. */
    Labels labels(List<String> names, List<String> values) {
        String[] n = new String[runLabels.size() + names.size()];
        String[] v = new String[n.length];
        int i = 0;
        for (Map.Entry<String, String> e : runLabels.entrySet()) {
            n[i] = e.getKey();
            v[i++] = e.getValue();
        }
        for (int j = 0; j < names.size(); j++) {
            n[i] = names.get(j);
            v[i++] = values.get(j);
        }
        return Labels.of(n, v);
    }

    long createdMillis() {
        return createdMillis;
    }

    /** A histogram map's counts since the run started: the last reading, or the readings added up when the map is cleared each time. */
    private record HistogramReading(HistogramSample last, Map<Map<String, String>, long[]> totals) {
        static HistogramReading next(HistogramReading before, HistogramSample s, int maxSeries, AtomicLong dropped) {
            Map<Map<String, String>, long[]> totals = new LinkedHashMap<>();
            if (s.cleared() && before != null) {
                for (Map.Entry<Map<String, String>, long[]> e : before.totals().entrySet()) totals.put(e.getKey(), e.getValue().clone());
            }
            int left = 0;
            for (HistogramSample.Series series : s.series()) {
                Map<String, String> key = seriesLabels(series);
                long[] t = totals.get(key);
                if (t == null) {
                    if (totals.size() >= maxSeries) {
                        left++;
                        continue;
                    }
                    totals.put(key, series.counts().clone());
                } else if (s.cleared()) {
                    for (int i = 0; i < t.length && i < series.counts().length; i++) t[i] += series.counts()[i];
                } else {
                    totals.put(key, series.counts().clone());
                }
            }
            if (left > 0) dropped.addAndGet(left);
            return new HistogramReading(s, totals);
        }

        private static Map<String, String> seriesLabels(HistogramSample.Series series) {
            Map<String, String> l = new LinkedHashMap<>(series.keyLabels());
            series.valueLabels().forEach(l::putIfAbsent);
            return l;
        }

        void collect(MetricFamilies out, RunMetrics m) {
            for (Map.Entry<Map<String, String>, long[]> e : totals.entrySet()) {
                long[] counts = e.getValue();
                double[] bounds = new double[counts.length];
                for (int i = 0; i < counts.length; i++) bounds[i] = last.high(i);
                List<String> names = new ArrayList<>(List.of("map", "unit"));
                List<String> values = new ArrayList<>(List.of(last.map(), last.unit()));
                for (Map.Entry<String, String> l : e.getKey().entrySet()) {
                    if (Set.of("map", "unit", "le").contains(l.getKey())) continue;
                    names.add(l.getKey());
                    values.add(l.getValue());
                }
                out.histogram("ebpm_histogram", "A sampled histogram map of the package, with its own bucket bounds (log2 or linear)",
                        m.labels(names, values), bounds, counts, m.createdMillis());
            }
        }
    }

    /** A map named with --metrics-map: each numeric member of each value becomes a gauge, labelled with the key. */
    private static final class MapGauge {
        private final BpfMap map;
        private final EventLayout keyLayout;
        private final EventLayout valueLayout;
        private final boolean structValue;

        private MapGauge(BpfMap map, EventLayout keyLayout, EventLayout valueLayout, boolean structValue) {
            this.map = map;
            this.keyLayout = keyLayout;
            this.valueLayout = valueLayout;
            this.structValue = structValue;
        }

        static MapGauge of(SkeletonRunner r, String name) {
            BpfMap map = r.maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new MetricsConfigException("--metrics-map " + name
                    + ": " + r.name() + " has no such map (maps: " + String.join(", ", r.maps().stream().filter(m -> !m.isInternal()).map(BpfMap::name).toList()) + ")"));
            if (map.type() == BpfMap.TYPE_RINGBUF || map.type() == BpfMap.TYPE_PERF_EVENT_ARRAY) {
                throw new MetricsConfigException("--metrics-map " + name + ": a ring or perf buffer streams events; it holds no values to read");
            }
            Btf btf = r.btf().orElse(null);
            if (btf == null || map.btfKeyTypeId() == 0 || map.btfValueTypeId() == 0) {
                throw new MetricsConfigException("--metrics-map " + name + ": the object has no BTF for this map's key and value types");
            }
            EventLayout key = BtfLayouts.of(btf, map.btfKeyTypeId(), "key");
            EventLayout value = BtfLayouts.of(btf, map.btfValueTypeId(), "value");
            boolean struct = !(value.fields().size() == 1 && value.fields().get(0).name().equals("value") && value.fields().get(0).offset() == 0
                    && value.fields().get(0).size() == value.size());
            if (value.fields().stream().noneMatch(MapGauge::numeric)) {
                throw new MetricsConfigException("--metrics-map " + name + ": its values have no number to show as a gauge");
            }
            return new MapGauge(map, key, value, struct);
        }

        private static boolean numeric(Field f) {
            return f.bitSize() == 0 && switch (f.kind()) {
                case INT -> f.size() <= 8;
                case BOOL, ENUM, FLOAT -> true;
                default -> false;
            };
        }

        void collect(MetricFamilies out, RunMetrics m, int maxSeries, AtomicLong dropped) {
            byte[] key = null;
            byte[] next = new byte[map.keySize()];
            byte[] value = new byte[map.valueBufferSize()];
            int stride = map.isPerCpu() ? (map.valueSize() + 7) & ~7 : value.length;
            EventFormatter keyText = new EventFormatter(keyLayout, EventFormatter.Mode.TABLE);
            int seen = 0;
            while (map.nextKey(key, next)) {
                key = next.clone();
                if (seen++ >= maxSeries) {
                    dropped.incrementAndGet();
                    continue;
                }
                if (!map.lookup(key, value)) continue;
                ByteBuffer kb = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
                ByteBuffer vb = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                List<String> names = new ArrayList<>(List.of("map"));
                List<String> values = new ArrayList<>(List.of(map.name()));
                for (int i = 0; i < keyLayout.fields().size(); i++) {
                    Field f = keyLayout.fields().get(i);
                    if (f.kind() == Field.Kind.STRUCT || f.kind() == Field.Kind.ARRAY) continue;
                    TextSink t = new TextSink();
                    keyText.fieldText(i, kb, 0, key.length, t);
                    names.add(f.name().equals("map") || f.name().equals("field") ? "key_" + f.name() : f.name());
                    values.add(t.toString());
                }
                if (structValue) names.add("field");
                for (Field f : valueLayout.fields()) {
                    if (!numeric(f)) continue;
                    double sum = 0;
                    for (int cpu = 0; cpu < value.length / stride; cpu++) sum += number(vb, cpu * stride + f.offset(), f);
                    List<String> v = new ArrayList<>(values);
                    if (structValue) v.add(f.name());
                    out.gauge("ebpm_map_value", "Values of the maps named with --metrics-map, per key (summed over CPUs for per-CPU maps)",
                            m.labels(names, v), sum);
                }
            }
        }

        private static double number(ByteBuffer b, int at, Field f) {
            return switch (f.kind()) {
                case FLOAT -> f.size() == 4 ? b.getFloat(at) : b.getDouble(at);
                case BOOL -> b.get(at) != 0 ? 1 : 0;
                default -> {
                    long v = switch (f.size()) {
                        case 1 -> f.signed() ? b.get(at) : b.get(at) & 0xffL;
                        case 2 -> f.signed() ? b.getShort(at) : b.getShort(at) & 0xffffL;
                        case 4 -> f.signed() ? b.getInt(at) : b.getInt(at) & 0xffffffffL;
                        default -> b.getLong(at);
                    };
                    yield !f.signed() && f.size() == 8 && v < 0 ? (double) (v >>> 1) * 2.0 : (double) v;
                }
            };
        }
    }
}
