package dev.ebpm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label sets counted by their key bytes, capped, and without garbage once a set exists. */
class SeriesTableTest {
    /** A key as EventCounter makes them for string labels: each value's bytes and a NUL. */
    private static int key(byte[] k, String... values) {
        int n = 0;
        for (String v : values) {
            for (byte b : v.getBytes(StandardCharsets.UTF_8)) k[n++] = b;
            k[n++] = 0;
        }
        return n;
    }

    @Test
    void countsEachLabelSetAndTellsApartSetsWithTheSameBytes() {
        SeriesTable t = new SeriesTable(100);
        byte[] k = new byte[64];
        for (int i = 0; i < 5; i++) t.increment(k, key(k, "12", "bash"), () -> new String[] {"12", "bash"});
        t.increment(k, key(k, "1", "2bash"), () -> new String[] {"1", "2bash"}); // the same bytes but for the ends
        Map<String, Long> seen = new HashMap<>();
        for (int i = 0; i < t.size(); i++) seen.put(String.join("|", t.labelValues(i)), t.count(i));
        assertEquals(Map.of("12|bash", 5L, "1|2bash", 1L), seen);
    }

    @Test
    void setsPastTheCapAreDroppedAndCounted() {
        SeriesTable t = new SeriesTable(1000);
        byte[] k = new byte[64];
        for (int i = 0; i < 1500; i++) {
            String name = "/tmp/file-" + i;
            t.increment(k, key(k, name), () -> new String[] {name});
        }
        t.increment(k, key(k, "/tmp/file-7"), () -> new String[] {"/tmp/file-7"}); // an existing set still counts
        assertEquals(1000, t.size());
        assertEquals(500, t.dropped());
        for (int i = 0; i < t.size(); i++) {
            if (t.labelValues(i)[0].equals("/tmp/file-7")) assertEquals(2, t.count(i));
        }
    }

    @Test
    void countingAnExistingSetAllocatesNothing() {
        SeriesTable t = new SeriesTable(10_000);
        byte[] k = new byte[64];
        for (int i = 0; i < 100; i++) {
            String[] v = {Integer.toString(i), "comm" + i, "/etc/file" + i};
            t.increment(k, key(k, v), () -> v);
        }
        int len = key(k, "42", "comm42", "/etc/file42");
        java.util.function.Supplier<String[]> never = () -> {
            throw new AssertionError("an existing set is not made again");
        };
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) t.increment(k, len, never); // warm up: the JIT compiles the loop
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) t.increment(k, len, never);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "a million increments of an existing set allocated " + allocated + " bytes");
        assertEquals(100, t.size());
    }
}
