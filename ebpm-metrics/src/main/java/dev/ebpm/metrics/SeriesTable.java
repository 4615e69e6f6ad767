package dev.ebpm.metrics;

import io.prometheus.metrics.model.snapshots.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The label sets of one event counter, each with its count, at most {@code max} of them. Written by the run's thread
 * only; read by scrapes from any thread. A label set is looked up by a key of bytes that stands for its values (the
 * event's raw field bytes), so counting an event whose label set exists allocates nothing; only a new set makes its
 * label strings. Events that would make a set past the cap are counted as dropped instead.
 *
 * <p>Laid out for a lookup that touches little memory, since a run may have thousands of sets: one open-addressing
 * table of {@code hash << 32 | set + 1}, the keys back to back in one array, the counts in another.
 */
final class SeriesTable {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    /** What scrapes read, replaced as a whole when it grows; entries below {@link #size} are filled. */
    private record Sets(long[] counts, String[][] values, Labels[] labels) {
        Sets grown(int capacity) {
            return new Sets(Arrays.copyOf(counts, capacity), Arrays.copyOf(values, capacity), Arrays.copyOf(labels, capacity));
        }
    }

    private final int max;
    private volatile Sets sets = new Sets(new long[16], new String[16][], new Labels[16]);
    private volatile int size;
    // the writer's own
    private long[] index = new long[32];
    private byte[] keys = new byte[1024];
    private int[] keyStart = new int[17];
    private final AtomicLong dropped = new AtomicLong();

    SeriesTable(int max) {
        this.max = max;
    }

    /** A hash of {@code key[0..len)}, eight bytes at a time (the last word overlapping the one before). */
    static int hash(byte[] key, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        int i = 0;
        for (; i + 8 <= len; i += 8) h = (h ^ (long) WORDS.get(key, i)) * 0x9E3779B97F4A7C15L;
        if (i < len) h = (h ^ tail(key, len)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33; // the low bits pick the slot: mix the high ones in
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29));
    }

    /** The bytes after the last whole word: the last eight bytes when there are eight, else those bytes alone. */
    private static long tail(byte[] key, int len) {
        if (len >= 8) return (long) WORDS.get(key, len - 8);
        long t = 0;
        for (int i = 0; i < len; i++) t |= (key[i] & 0xffL) << (8 * i);
        return t;
    }

    /** Adds one to the label set whose key is {@code key[0..len)}; {@code labelValues} makes its values when the set is new. */
    void increment(byte[] key, int len, Supplier<String[]> labelValues) {
        int h = hash(key, len);
        int mask = index.length - 1;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            long e = index[slot];
            if (e == 0) break;
            int n = (int) e - 1;
            if ((int) (e >>> 32) == h && sameKey(keyStart[n], keyStart[n + 1], key, len)) {
                long[] counts = sets.counts;
                COUNTS.setOpaque(counts, n, (long) COUNTS.getOpaque(counts, n) + 1); // one writer: a plain add, readable from any thread
                return;
            }
        }
        if (size >= max) {
            dropped.lazySet(dropped.get() + 1);
            return;
        }
        add(key, len, h, labelValues.get());
    }

    /** Whether the stored key {@code keys[start..end)} is {@code key[0..len)}, compared eight bytes at a time. */
    private boolean sameKey(int start, int end, byte[] key, int len) {
        if (end - start != len) return false;
        int i = 0;
        for (; i + 8 <= len; i += 8) if ((long) WORDS.get(keys, start + i) != (long) WORDS.get(key, i)) return false;
        if (i == len) return true;
        if (len >= 8) return (long) WORDS.get(keys, start + len - 8) == (long) WORDS.get(key, len - 8);
        for (; i < len; i++) if (keys[start + i] != key[i]) return false;
        return true;
    }

    private void add(byte[] key, int len, int h, String[] values) {
        int n = size;
        Sets s = sets;
        if (n == s.counts.length) sets = s = s.grown(n * 2);
        if (n + 2 > keyStart.length) keyStart = Arrays.copyOf(keyStart, keyStart.length * 2);
        int start = keyStart[n];
        if (start + len + 8 > keys.length) keys = Arrays.copyOf(keys, Math.max(keys.length * 2, start + len + 8));
        System.arraycopy(key, 0, keys, start, len);
        keyStart[n + 1] = start + len;
        s.values[n] = values;
        COUNTS.setOpaque(s.counts, n, 1L);
        if ((n + 1) * 2 > index.length) rehash(index.length * 2, n);
        insert(index, n, h);
        size = n + 1; // published last: a reader sees only filled entries
    }

    private void rehash(int capacity, int n) {
        long[] bigger = new long[capacity];
        for (long e : index) if (e != 0) insert(bigger, (int) e - 1, (int) (e >>> 32));
        index = bigger;
    }

    private static void insert(long[] table, int n, int h) {
        int mask = table.length - 1;
        int slot = h & mask;
        while (table[slot] != 0) slot = (slot + 1) & mask;
        table[slot] = ((long) h << 32) | (n + 1L);
    }

    /** The label sets so far, from any thread. */
    int size() {
        return size;
    }

    String[] labelValues(int i) {
        return sets.values[i];
    }

    long count(int i) {
        return (long) COUNTS.getOpaque(sets.counts, i);
    }

    /** The Prometheus labels of set {@code i}, made by the first scrape that needs them (racing scrapes make equal ones). */
    Labels labels(int i, Supplier<Labels> make) {
        Labels[] all = sets.labels;
        Labels l = all[i];
        if (l == null) all[i] = l = make.get();
        return l;
    }

    /** Events not counted because their label set would have passed the cap. */
    long dropped() {
        return dropped.get();
    }
}
