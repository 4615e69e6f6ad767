package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpm.loader.perf.PerfBufferReader;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import dev.ebpm.loader.testsupport.TestObjects;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java ring and perf buffer readers against a real producer: every record arrives once, in
 * order, intact, across many wrap-arounds of small buffers; discarded ring records are skipped.
 */
class BufferReadersTest {
    public interface Libc {
        long getpid();
    }

    private static byte[] elf;
    private static Libc libc;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        elf = TestObjects.buffers(dir);
        libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        KernelSupport.ensureTracefs();
    }

    private static BpfObject load(int perTrigger) {
        BpfObject obj = BpfObject.open(elf, "buffers", Optional.empty());
        BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
        ByteBuffer ro = rodata.initialValue().orElseThrow();
        ro.putInt(0, (int) ProcessHandle.current().pid());
        ro.putInt(4, perTrigger);
        rodata.setInitialValue(ro.array());
        obj.load();
        return obj;
    }

    private static long seqOf(ByteBuffer b, int off, int len, List<Long> out) {
        assertEquals(24, len, "record length");
        long seq = b.getLong(off);
        assertEquals(seq * 7, b.getLong(off + 8), "payload intact for seq " + seq);
        assertEquals(seq * 7, b.getLong(off + 16), "payload intact for seq " + seq);
        out.add(seq);
        return seq;
    }

    @Test
    void ringBufferDeliversEverySubmittedRecordInOrderAcrossWraps() {
        List<Long> seen = new ArrayList<>();
        int triggers = 200, perTrigger = 50; // 10,000 records through a 4 KiB ring (~128 records)
        try (BpfObject obj = load(perTrigger);
             BpfLink link = obj.program("emit_records").orElseThrow().attach();
             RingBufferReader reader = new RingBufferReader(obj.map("ring").orElseThrow())) {
            for (int t = 0; t < triggers; t++) {
                libc.getpid();
                reader.drain((b, off, len) -> seqOf(b, off, len, seen));
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s < (long) triggers * perTrigger; s++) if (s % 3 != 0) expected.add(s);
        assertEquals(expected, seen);
    }

    @Test
    void perfBufferDeliversEveryRecordAcrossWraps() {
        List<Long> seen = new ArrayList<>();
        long[] lost = {0};
        int triggers = 200, perTrigger = 40; // 8,000 records of 40 bytes through one 4 KiB page per CPU
        try (BpfObject obj = load(perTrigger);
             BpfLink link = obj.program("emit_records").orElseThrow().attach();
             PerfBufferReader reader = new PerfBufferReader(obj.map("perf").orElseThrow(), 1)) {
            RecordHandler h = new RecordHandler() {
                @Override
                public void onRecord(ByteBuffer b, int off, int len) {
                    assertEquals(28, len, "raw sample size (24 bytes, padded to 8 with its u32 size)");
                    seqOf(b, off, 24, seen);
                }

                @Override
                public void onLost(long count) {
                    lost[0] += count;
                }
            };
            for (int t = 0; t < triggers; t++) {
                libc.getpid();
                reader.drain(h);
            }
        }
        assertEquals(0, lost[0], "nothing lost when drained after every trigger");
        seen.sort(Long::compare); // per-CPU rings: order holds within a CPU only
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s < (long) triggers * perTrigger; s++) expected.add(s);
        assertEquals(expected, seen);
    }
}
