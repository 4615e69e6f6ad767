package dev.ebpm.loader.run;

import java.util.List;
import java.util.Map;

/**
 * One reading of a sampled histogram map (runqlat's {@code hists}): per key, the slot counts, summed over CPUs.
 * Slot {@code i} of a log2 histogram counts values from {@code 2^i} to {@code 2^(i+1)-1} (slot 0: 0 and 1); of a
 * linear one, the value {@code i}.
 *
 * @param unit    what the values measure, from package.json ("usecs"), or "(unit)"
 * @param cleared the map was cleared after this reading (package.json's clear_map), so its counts are those since the
 *                last reading rather than since the start
 */
public record HistogramSample(String map, String unit, boolean log2, boolean cleared, List<Series> series) {
    /**
     * The counts of one key.
     *
     * @param valueLabels the value's non-empty strings besides the slots (e.g. {@code comm}, per process)
     * @param keyLabels   the key's members as text (a scalar key is one member, {@code key})
     * @param keyJson     a struct key as JSON, as the histogram printer shows it; null for a scalar key
     */
    public record Series(Map<String, String> valueLabels, Map<String, String> keyLabels, String keyJson, long[] counts) {}

    public long low(int slot) {
        return log2 ? (slot == 0 ? 0 : 1L << slot) : slot;
    }

    /** The largest value slot {@code slot} counts (a Prometheus bucket's {@code le}). */
    public long high(int slot) {
        return log2 ? (1L << (slot + 1)) - 1 : slot;
    }
}
