package dev.ebpm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.event.TextSink;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label sets counted by their bytes, capped, and without garbage once a set exists. */
class SeriesTableTest {
    private static void key(TextSink k, String... values) {
        k.reset();
        for (String v : values) k.ascii(v).raw((byte) 0);
    }

    @Test
    void countsEachLabelSetAndTellsApartSetsWithTheSameBytes() {
        SeriesTable t = new SeriesTable(2, 100);
        TextSink k = new TextSink();
        for (int i = 0; i < 5; i++) {
            key(k, "12", "bash");
            t.increment(k);
        }
        key(k, "1", "2bash"); // same bytes as "12","bash" without the separators
        t.increment(k);
        Map<String, Long> seen = new HashMap<>();
        for (int i = 0; i < t.size(); i++) seen.put(String.join("|", t.get(i).labelValues), t.get(i).count.get());
        assertEquals(Map.of("12|bash", 5L, "1|2bash", 1L), seen);
    }

    @Test
    void setsPastTheCapAreDroppedAndCounted() {
        SeriesTable t = new SeriesTable(1, 1000);
        TextSink k = new TextSink();
        for (int i = 0; i < 1500; i++) {
            key(k, "/tmp/file-" + i);
            t.increment(k);
        }
        key(k, "/tmp/file-7");
        t.increment(k); // an existing set still counts
        assertEquals(1000, t.size());
        assertEquals(500, t.dropped());
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).labelValues[0].equals("/tmp/file-7")) assertEquals(2, t.get(i).count.get());
        }
    }

    @Test
    void countingAnExistingSetAllocatesNothing() {
        SeriesTable t = new SeriesTable(3, 10_000);
        TextSink k = new TextSink();
        for (int i = 0; i < 100; i++) {
            key(k, Integer.toString(i), "comm" + i, "/etc/file" + i);
            t.increment(k);
        }
        key(k, "42", "comm42", "/etc/file42");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) t.increment(k); // warm up: the JIT compiles the loop
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) t.increment(k);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "a million increments of an existing set allocated " + allocated + " bytes");
        assertEquals(100, t.size());
    }
}
