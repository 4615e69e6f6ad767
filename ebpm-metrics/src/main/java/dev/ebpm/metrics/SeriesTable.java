package dev.ebpm.metrics;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The label sets of one event counter, each with its count, at most {@code max} of them. Written by the run's thread
 * only; read by scrapes from any thread. A label set is looked up by a key of bytes that stands for its values (the
 * event's raw field bytes), so counting an event whose label set exists allocates nothing; only a new set makes its
 * label strings. Events that would make a set past the cap are counted as dropped instead.
 */
final class SeriesTable {
    /** One label set and its count. */
    static final class Series {
        final String[] labelValues;
        final AtomicLong count = new AtomicLong();
        private final byte[] key;
        private Labels labels; // made by the first scrape that needs it; racing scrapes make equal ones

        Series(String[] labelValues, byte[] key) {
            this.labelValues = labelValues;
            this.key = key;
        }

        /** The Prometheus labels of this set, made once. */
        Labels labels(Supplier<Labels> make) {
            Labels l = labels;
            if (l == null) labels = l = make.get();
            return l;
        }
    }

    private final int max;
    private volatile Series[] series = new Series[16];
    private volatile int size;
    private int[] index = new int[32]; // open addressing: series number + 1; 0 is empty (writer only)
    private int[] hashes = new int[16];
    private final AtomicLong dropped = new AtomicLong();

    SeriesTable(int max) {
        this.max = max;
    }

    static int hash(byte[] key, int len) {
        int h = 1;
        for (int i = 0; i < len; i++) h = 31 * h + key[i];
        return h ^ (h >>> 16);
    }

    /**
     * Adds one to the label set whose key is {@code key[0..len)}; {@code labelValues} makes its values when the set is new.
     */
    void increment(byte[] key, int len, Supplier<String[]> labelValues) {
        int h = hash(key, len);
        int mask = index.length - 1;
        Series[] all = series;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            int at = index[slot];
            if (at == 0) break;
            if (hashes[at - 1] == h && Arrays.equals(all[at - 1].key, 0, all[at - 1].key.length, key, 0, len)) {
                AtomicLong c = all[at - 1].count;
                c.lazySet(c.get() + 1); // one writer: a plain add, published without a fence
                return;
            }
        }
        if (size >= max) {
            dropped.lazySet(dropped.get() + 1);
            return;
        }
        add(new Series(labelValues.get(), Arrays.copyOf(key, len)), h).count.lazySet(1);
    }

    private Series add(Series s, int h) {
        int n = size;
        if (n == series.length) {
            series = Arrays.copyOf(series, n * 2);
            hashes = Arrays.copyOf(hashes, n * 2);
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
