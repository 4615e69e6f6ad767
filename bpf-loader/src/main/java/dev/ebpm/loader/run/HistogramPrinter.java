package dev.ebpm.loader.run;

import dev.ebpm.loader.event.TextSink;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Prints a {@link HistogramSample} in bcc's log2 layout: for every key, "low -> high : count |****|", under the
 * value's strings and the key; or as one JSON object per key.
 */
final class HistogramPrinter {
    private static final int BAR_WIDTH = 40;

    private HistogramPrinter() {}

    static void text(HistogramSample h, TextSink out) {
        for (HistogramSample.Series s : h.series()) {
            for (Map.Entry<String, String> l : s.valueLabels().entrySet()) {
                out.ascii(l.getKey()).ascii(" = ");
                for (byte b : l.getValue().getBytes(StandardCharsets.UTF_8)) out.raw(b);
                out.ch('\n');
            }
            if (s.keyJson() != null) out.ascii("key = ").ascii(s.keyJson()).ch('\n');
            long[] counts = s.counts();
            long max = 0;
            int last = -1;
            for (int i = 0; i < counts.length; i++) {
                max = Math.max(max, counts[i]);
                if (counts[i] > 0) last = i;
            }
            out.ascii(String.format("%19s : count    distribution%n", h.unit()));
            for (int i = 0; i <= Math.max(last, 0); i++) {
                int stars = max == 0 ? 0 : (int) (counts[i] * BAR_WIDTH / max);
                out.ascii(String.format("%10d -> %-10d : %-8d |%s%s|%n", h.low(i), h.high(i), counts[i], "*".repeat(stars), " ".repeat(BAR_WIDTH - stars)));
            }
            out.ch('\n');
        }
    }

    static void json(HistogramSample h, TextSink out) {
        for (HistogramSample.Series s : h.series()) {
            out.ascii("{\"map\":\"").ascii(h.map()).ascii("\",\"unit\":\"").ascii(h.unit()).ascii("\",\"buckets\":[");
            long[] counts = s.counts();
            for (int i = 0; i < counts.length; i++) {
                if (i > 0) out.ch(',');
                out.ascii("{\"low\":").dec(h.low(i)).ascii(",\"high\":").dec(h.high(i)).ascii(",\"count\":").dec(counts[i]).ch('}');
            }
            out.ascii("]}\n");
        }
    }
}
