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
import java.util.List;
import java.util.Optional;

/**
 * Prints a sampled map (runqlat's histogram) at its interval, in bcc's log2 layout: for every key,
 * the value's {@code u32} slot array as "low -> high : count |****|". A per-CPU map's slots are
 * summed over the CPUs.
 */
final class HistogramPrinter {
    private static final int BAR_WIDTH = 40;
    private final BpfMap map;
    private final EunomiaPackage.Sample sample;
    private final EventLayout keyLayout;
    private final EventLayout valueLayout;
    private final Field slots;
    private final long intervalNanos;
    private long nextDue;

    /** One printer per map that package.json marks as sampled. */
    static List<HistogramPrinter> forSampledMaps(List<BpfMap> maps, EunomiaPackage pkg, Optional<Btf> btf, String name) {
        List<HistogramPrinter> out = new ArrayList<>();
        for (EunomiaPackage.MapMeta m : SkeletonLoader.orEmpty(pkg.meta.bpfSkel.maps)) {
            if (m.sample == null) continue;
            BpfMap map = maps.stream().filter(x -> x.name().equals(m.name)).findFirst().orElseThrow(() ->
                    new BpfException(name + ": map '" + m.name + "' sampled in package.json is not in the BPF object"));
            out.add(new HistogramPrinter(map, m.sample, btf));
        }
        return out;
    }

    private HistogramPrinter(BpfMap map, EunomiaPackage.Sample sample, Optional<Btf> btf) {
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
        this.keyLayout = map.btfKeyTypeId() != 0 && btf.get().resolve(map.btfKeyTypeId()) instanceof BtfType.Composite
                ? BtfLayouts.struct(btf.get(), map.btfKeyTypeId()) : null;
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

    void print(TextSink out, EventFormatter.Mode mode) {
        byte[] key = null;
        byte[] next = new byte[map.keySize()];
        byte[] value = new byte[map.valueBufferSize()];
        int stride = map.isPerCpu() ? (map.valueSize() + 7) & ~7 : value.length;
        List<byte[]> keys = new ArrayList<>();
        while (map.nextKey(key, next)) {
            keys.add(next.clone());
            key = next.clone();
            if (keys.size() > 100_000) break;
        }
        String unit = sample.unit == null ? "(unit)" : sample.unit;
        for (byte[] k : keys) {
            if (!map.lookup(k, value)) continue; // deleted since the key walk
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
            ByteBuffer kb = ByteBuffer.wrap(k).order(ByteOrder.nativeOrder());
            long[] counts = new long[slots.count()];
            int last = -1;
            for (int i = 0; i < counts.length; i++) {
                for (int cpu = 0; cpu < value.length / stride; cpu++) {
                    int at = cpu * stride + slots.offset() + i * slots.element().size();
                    counts[i] += slots.element().size() == 8 ? v.getLong(at) : v.getInt(at) & 0xffffffffL;
                }
                if (counts[i] > 0) last = i;
            }
            if (mode == EventFormatter.Mode.JSON) {
                json(out, counts, unit);
            } else {
                text(out, kb, v, counts, last, unit);
            }
            if (Boolean.TRUE.equals(sample.clearMap)) map.delete(k);
        }
    }

    private void label(TextSink out, ByteBuffer key, ByteBuffer value) {
        for (Field f : valueLayout.fields()) {
            if (f == slots || f.kind() != Field.Kind.CHAR_ARRAY || value.get(f.offset()) == 0) continue; // e.g. comm, when per-process
            out.ascii(f.name()).ascii(" = ");
            for (int i = 0; i < f.size() && value.get(f.offset() + i) != 0; i++) out.raw(value.get(f.offset() + i));
            out.ch('\n');
        }
        if (keyLayout != null) {
            EventFormatter kf = new EventFormatter(keyLayout, EventFormatter.Mode.JSON);
            out.ascii("key = ");
            kf.format(key, 0, key.capacity(), out);
        }
    }

    private void text(TextSink out, ByteBuffer key, ByteBuffer value, long[] counts, int last, String unit) {
        label(out, key, value);
        long max = 0;
        for (long c : counts) max = Math.max(max, c);
        out.ascii(String.format("%19s : count    distribution%n", unit));
        for (int i = 0; i <= Math.max(last, 0); i++) {
            long low = log2() ? (i == 0 ? 0 : 1L << i) : i;
            long high = log2() ? (1L << (i + 1)) - 1 : i;
            int stars = max == 0 ? 0 : (int) (counts[i] * BAR_WIDTH / max);
            out.ascii(String.format("%10d -> %-10d : %-8d |%s%s|%n", low, high, counts[i], "*".repeat(stars), " ".repeat(BAR_WIDTH - stars)));
        }
        out.ch('\n');
    }

    private void json(TextSink out, long[] counts, String unit) {
        out.ascii("{\"map\":\"").ascii(map.name()).ascii("\",\"unit\":\"").ascii(unit).ascii("\",\"buckets\":[");
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) out.ch(',');
            long low = log2() ? (i == 0 ? 0 : 1L << i) : i;
            long high = log2() ? (1L << (i + 1)) - 1 : i;
            out.ascii("{\"low\":").dec(low).ascii(",\"high\":").dec(high).ascii(",\"count\":").dec(counts[i]).ch('}');
        }
        out.ascii("]}\n");
    }

    private boolean log2() {
        return sample.type == null || sample.type.equals("log2_hist");
    }
}
