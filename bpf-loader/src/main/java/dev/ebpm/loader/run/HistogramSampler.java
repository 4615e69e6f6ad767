package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfType;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.EventLayout;
import dev.ebpm.loader.event.Field;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a sampled map (runqlat's histogram) at its interval: for every key, the value's integer slot array, summed
 * over the CPUs of a per-CPU map; clears the map after reading when the package says {@code clear_map}.
 */
final class HistogramSampler {
    private static final int MAX_KEYS = 100_000;
    private final BpfMap map;
    private final EunomiaPackage.Sample sample;
    private final EventLayout keyLayout;
    private final boolean structKey;
    private final EventLayout valueLayout;
    private final Field slots;
    private final long intervalNanos;
    private long nextDue;

    /** One sampler per map that package.json marks as sampled. */
    static List<HistogramSampler> forSampledMaps(List<BpfMap> maps, EunomiaPackage pkg, Optional<Btf> btf, String name) {
        List<HistogramSampler> out = new ArrayList<>();
        for (EunomiaPackage.MapMeta m : SkeletonLoader.orEmpty(pkg.meta.bpfSkel.maps)) {
            if (m.sample == null) continue;
            BpfMap map = maps.stream().filter(x -> x.name().equals(m.name)).findFirst().orElseThrow(() ->
                    new BpfException(name + ": map '" + m.name + "' sampled in package.json is not in the BPF object"));
            out.add(new HistogramSampler(map, m.sample, btf));
        }
        return out;
    }

    private HistogramSampler(BpfMap map, EunomiaPackage.Sample sample, Optional<Btf> btf) {
        this.map = map;
        this.sample = sample;
        this.intervalNanos = Math.max(1, sample.interval == null ? 1000 : sample.interval) * 1_000_000L;
        String type = sample.type == null ? "log2_hist" : sample.type;
        if (!type.equals("log2_hist") && !type.equals("linear_hist")) {
            throw new BpfException("map '" + map.name() + "': sample type '" + type + "' is not supported (log2_hist, linear_hist)");
        }
        if (btf.isEmpty() || map.btfValueTypeId() == 0) {
            throw new BpfException("map '" + map.name() + "' is sampled as a histogram but the object has no BTF for its value type");
        }
        this.valueLayout = BtfLayouts.struct(btf.get(), map.btfValueTypeId());
        this.keyLayout = map.btfKeyTypeId() != 0 ? BtfLayouts.of(btf.get(), map.btfKeyTypeId(), "key") : null;
        this.structKey = keyLayout != null && btf.get().resolve(map.btfKeyTypeId()) instanceof BtfType.Composite;
        Field found = null;
        for (Field f : valueLayout.fields()) {
            if (f.kind() == Field.Kind.ARRAY && f.element().kind() == Field.Kind.INT && (found == null || f.name().equals("slots"))) found = f;
        }
        if (found == null) throw new BpfException("map '" + map.name() + "': its value has no integer slot array to print as a histogram");
        this.slots = found;
    }

    void schedule(long now) {
        nextDue = now + intervalNanos;
    }

    long millisUntilDue(long now) {
        return Math.max(0, (nextDue - now) / 1_000_000);
    }

    boolean due(long now) {
        if (now < nextDue) return false;
        nextDue = now + intervalNanos;
        return true;
    }

    /** Reads every key (clearing each when the package asks for it). */
    HistogramSample sample() {
        byte[] key = null;
        byte[] next = new byte[map.keySize()];
        byte[] value = new byte[map.valueBufferSize()];
        int stride = map.isPerCpu() ? (map.valueSize() + 7) & ~7 : value.length;
        List<byte[]> keys = new ArrayList<>();
        while (map.nextKey(key, next)) {
            keys.add(next.clone());
            key = next.clone();
            if (keys.size() > MAX_KEYS) break;
        }
        List<HistogramSample.Series> series = new ArrayList<>();
        for (byte[] k : keys) {
            if (!map.lookup(k, value)) continue; // deleted since the key walk
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
            ByteBuffer kb = ByteBuffer.wrap(k).order(ByteOrder.nativeOrder());
            long[] counts = new long[slots.count()];
            for (int i = 0; i < counts.length; i++) {
                for (int cpu = 0; cpu < value.length / stride; cpu++) {
                    int at = cpu * stride + slots.offset() + i * slots.element().size();
                    counts[i] += slots.element().size() == 8 ? v.getLong(at) : v.getInt(at) & 0xffffffffL;
                }
            }
            series.add(new HistogramSample.Series(valueLabels(v), keyLabels(kb), keyJson(kb), counts));
            if (Boolean.TRUE.equals(sample.clearMap)) map.delete(k);
        }
        return new HistogramSample(map.name(), sample.unit == null ? "(unit)" : sample.unit,
                sample.type == null || sample.type.equals("log2_hist"), Boolean.TRUE.equals(sample.clearMap), series);
    }

    /** The value's strings besides the slots (e.g. comm, when per process); empty ones are left out. */
    private Map<String, String> valueLabels(ByteBuffer value) {
        Map<String, String> out = new LinkedHashMap<>();
        EventFormatter text = new EventFormatter(valueLayout, EventFormatter.Mode.TABLE);
        for (int i = 0; i < valueLayout.fields().size(); i++) {
            Field f = valueLayout.fields().get(i);
            if (f == slots || f.kind() != Field.Kind.CHAR_ARRAY || value.get(f.offset()) == 0) continue;
            out.put(f.name(), fieldText(text, i, value));
        }
        return out;
    }

    private Map<String, String> keyLabels(ByteBuffer key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (keyLayout == null) return out;
        EventFormatter text = new EventFormatter(keyLayout, EventFormatter.Mode.TABLE);
        for (int i = 0; i < keyLayout.fields().size(); i++) {
            Field f = keyLayout.fields().get(i);
            if (f.kind() == Field.Kind.STRUCT || f.kind() == Field.Kind.ARRAY) continue;
            out.put(f.name(), fieldText(text, i, key));
        }
        return out;
    }

    private String keyJson(ByteBuffer key) {
        if (!structKey) return null;
        TextSink out = new TextSink();
        new EventFormatter(keyLayout, EventFormatter.Mode.JSON).format(key, 0, key.capacity(), out);
        return out.toString().stripTrailing();
    }

    private static String fieldText(EventFormatter f, int index, ByteBuffer b) {
        TextSink out = new TextSink();
        f.fieldText(index, b, 0, b.capacity(), out);
        return out.toString();
    }
}
