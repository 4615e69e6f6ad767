package dev.ebpm.metrics;

import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.EventLayout;
import dev.ebpm.loader.event.Field;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * One configured counter. Per event, the label fields' raw bytes (an integer's bytes, a string up to its NUL) make the
 * key of the series to add one to, copied without allocating; a new series gets its label values as the table shows
 * them (strings unquoted, numbers in decimal). Fields of other kinds (arrays, floats, enums) are keyed by that text.
 */
final class EventCounter implements Supplier<String[]> {
    // event buffers are in native order; the key is only ever compared with itself, so its order does not matter
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    final ExporterConfig.Counter config;
    final SeriesTable series;
    private final int[] fields;
    private final int[] offsets;
    private final int[] sizes;
    private final boolean[] cString;
    private final boolean[] raw;
    private final EventFormatter formatter;
    private final TextSink text = new TextSink();
    private byte[] key = new byte[256];
    // the event being counted, for get() when its label set is new
    private ByteBuffer buffer;
    private int offset;
    private int length;

    /** @throws MetricsConfigException naming the config line of a label whose field the event does not have */
    EventCounter(ExporterConfig.Counter config, EventFormatter formatter, String packageName, int maxSeries) {
        this.config = config;
        this.formatter = formatter;
        EventLayout layout = formatter.layout();
        int n = config.labels().size();
        fields = new int[n];
        offsets = new int[n];
        sizes = new int[n];
        cString = new boolean[n];
        raw = new boolean[n];
        for (int i = 0; i < n; i++) {
            ExporterConfig.Label l = config.labels().get(i);
            fields[i] = layout.indexOf(l.field());
            if (fields[i] < 0) {
                List<String> names = layout.fields().stream().map(Field::name).toList();
                throw new MetricsConfigException(l.where() + ": label '" + l.name() + "' takes field '" + l.field() + "', but "
                        + packageName + "'s event (" + layout.name() + ") has no such field (fields: " + String.join(", ", names) + ")");
            }
            Field f = layout.fields().get(fields[i]);
            offsets[i] = f.offset();
            sizes[i] = f.size();
            cString[i] = f.kind() == Field.Kind.CHAR_ARRAY;
            raw[i] = cString[i] || (f.kind() == Field.Kind.INT || f.kind() == Field.Kind.BOOL) && f.bitSize() == 0 && f.size() <= 8;
        }
        series = new SeriesTable(maxSeries);
    }

    void count(ByteBuffer b, int base, int len) {
        int k = 0;
        for (int i = 0; i < fields.length; i++) {
            int size = sizes[i];
            if (offsets[i] + size > len) { // a short record: as the table shows it, no value
                k = put(k, (byte) 0);
                continue;
            }
            if (k + size + 9 > key.length) key = Arrays.copyOf(key, Math.max(key.length * 2, k + size + 9));
            int at = base + offsets[i];
            if (cString[i]) {
                k = copyString(b, at, size, k);
                key[k++] = 0; // no string holds a NUL: the end is unambiguous
            } else if (raw[i]) {
                copyScalar(b, at, size, k);
                k += size;
            } else {
                text.reset();
                formatter.fieldText(fields[i], b, base, len, text);
                for (int j = 0; j < text.length(); j++) k = put(k, text.byteAt(j));
                k = put(k, (byte) 0);
            }
        }
        buffer = b;
        offset = base;
        length = len;
        series.increment(key, k, this);
    }

    /** An integer's bytes, by one native-order read (a byte-by-byte copy costs more than the rest of the count). */
    private void copyScalar(ByteBuffer b, int at, int size, int k) {
        switch (size) {
            case 8 -> LONGS.set(key, k, b.getLong(at));
            case 4 -> INTS.set(key, k, b.getInt(at));
            case 2 -> SHORTS.set(key, k, b.getShort(at));
            default -> b.get(at, key, k, size);
        }
    }

    /** A string's bytes up to its NUL (or its size), eight at a time; returns where the key goes on. */
    private int copyString(ByteBuffer b, int at, int size, int k) {
        int j = 0;
        if (LITTLE_ENDIAN) {
            for (; j + 8 <= size; j += 8) {
                long w = b.getLong(at + j);
                LONGS.set(key, k + j, w);
                long zeros = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L; // the lowest set bit marks the first NUL
                if (zeros != 0) return k + j + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; j < size; j++) {
            byte c = b.get(at + j);
            if (c == 0) return k + j;
            key[k + j] = c;
        }
        return k + size;
    }

    private int put(int k, byte v) {
        if (k == key.length) key = Arrays.copyOf(key, key.length * 2);
        key[k] = v;
        return k + 1;
    }

    /** The label values of the event being counted, as the table shows them (a new series only). */
    @Override
    public String[] get() {
        String[] values = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            text.reset();
            formatter.fieldText(fields[i], buffer, offset, length, text);
            values[i] = text.toString();
        }
        return values;
    }
}
