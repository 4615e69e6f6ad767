package dev.ebpm.metrics;

import dev.ebpm.loader.event.TextSink;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The label sets of one event counter, each with its count, at most {@code max} of them. Written by the run's thread
 * only; read by scrapes from any thread. A label set is looked up by the bytes of its values (each ended by a 0 byte,
 * which no field text holds), so counting an event whose label set exists allocates nothing; only a new set makes its
 * strings. Events that would make a set past the cap are counted as dropped instead.
 */
final class SeriesTable {
    /** One label set and its count. */
    static final class Series {
        final String[] labelValues;
        final AtomicLong count = new AtomicLong();
        private final byte[] key;

        Series(String[] labelValues, byte[] key) {
            this.labelValues = labelValues;
            this.key = key;
        }
    }

    private final int max;
    private final int labelCount;
    private volatile Series[] series = new Series[16];
    private volatile int size;
    private int[] index = new int[32]; // open addressing: series number + 1; 0 is empty (writer only)
    private int[] hashes = new int[16];
    private final AtomicLong dropped = new AtomicLong();

    SeriesTable(int labelCount, int max) {
        this.labelCount = labelCount;
        this.max = max;
    }

    /** Adds one to the label set whose values are in {@code key} (each ended by a 0 byte). */
    void increment(TextSink key) {
        int len = key.length();
        int h = 1;
        for (int i = 0; i < len; i++) h = 31 * h + key.byteAt(i);
        h ^= h >>> 16;
        int mask = index.length - 1;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int at = index[slot];
            if (at == 0) break;
            if (hashes[at - 1] == h && sameKey(series[at - 1].key, key, len)) {
                AtomicLong c = series[at - 1].count;
                c.lazySet(c.get() + 1); // one writer: a plain add, published without a fence
                return;
            }
        }
        if (size >= max) {
            dropped.lazySet(dropped.get() + 1);
            return;
        }
        add(key, len, h).count.lazySet(1);
    }

    private Series add(TextSink key, int len, int h) {
        byte[] bytes = new byte[len];
        String[] values = new String[labelCount];
        int start = 0;
        int v = 0;
        for (int i = 0; i < len; i++) {
            bytes[i] = key.byteAt(i);
            if (bytes[i] == 0) {
                values[v++] = key.text(start, i);
                start = i + 1;
            }
        }
        Series s = new Series(values, bytes);
        int n = size;
        if (n == series.length) {
            series = java.util.Arrays.copyOf(series, n * 2);
            hashes = java.util.Arrays.copyOf(hashes, n * 2);
        }
        series[n] = s;
        hashes[n] = h;
        if ((n + 1) * 2 > index.length) rehash(index.length * 2);
        insert(n, h);
        size = n + 1; // published last: a reader sees only filled entries
        return s;
    }

    private void rehash(int capacity) {
        index = new int[capacity];
        for (int i = 0; i < size; i++) insert(i, hashes[i]);
    }

    private void insert(int n, int h) {
        int mask = index.length - 1;
        int slot = h & mask;
        while (index[slot] != 0) slot = (slot + 1) & mask;
        index[slot] = n + 1;
    }

    private static boolean sameKey(byte[] stored, TextSink key, int len) {
        if (stored.length != len) return false;
        for (int i = 0; i < len; i++) if (stored[i] != key.byteAt(i)) return false;
        return true;
    }

    /** The label sets so far, from any thread. */
    int size() {
        return size;
    }

    Series get(int i) {
        return series[i];
    }

    /** Events not counted because their label set would have passed the cap. */
    long dropped() {
        return dropped.get();
    }
}
