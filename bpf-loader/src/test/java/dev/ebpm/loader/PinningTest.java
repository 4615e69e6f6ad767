package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.ringbuf.RingBufferReader;
import dev.ebpm.loader.testsupport.TestObjects;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins in bpffs on the real kernel: a pinned link keeps its program attached after the object is closed, a map
 * opened again from its pin delivers the records the program writes, the kernel listing sees the program with its
 * tracepoint, its holder and its pin, and removing the pins and closing the link unloads it.
 */
class PinningTest {
    public interface Libc {
        long getpid();
    }

    private static byte[] elf;
    private static Libc libc;
    private final Path pins = KernelSupport.BPFFS.resolve("ebpm-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        elf = TestObjects.buffers(dir);
        libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        KernelSupport.ensureTracefs();
    }

    @AfterEach
    void removePins() throws Exception {
        if (!Files.exists(pins)) return;
        try (var s = Files.walk(pins)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void aPinnedLinkAndMapOutliveTheirObjectAndAreFoundAgain() throws Exception {
        Files.createDirectories(pins);
        BpfLink link;
        int progId;
        try (BpfObject obj = BpfObject.open(elf, "buffers", Optional.empty())) {
            BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
            ByteBuffer ro = rodata.initialValue().orElseThrow();
            ro.putInt(0, (int) ProcessHandle.current().pid());
            ro.putInt(4, 1);
            rodata.setInitialValue(ro.array());
            obj.load();
            link = obj.program("emit_records").orElseThrow().attach();
            assertTrue(link.pinnable());
            Files.createDirectories(pins.resolve("links"));
            Files.createDirectories(pins.resolve("progs"));
            link.pin(pins.resolve("links/link"));
            obj.map("ring").orElseThrow().pin(pins.resolve("ring"));
            obj.program("emit_records").orElseThrow().pin(pins.resolve("progs/prog"));
        }
        Set<Integer> pinned = KernelPrograms.pinnedUnder(pins);
        assertEquals(1, pinned.size(), "the program pin and the link pin name one program: " + pinned);
        progId = pinned.iterator().next();
        assertEquals(Set.of(progId), KernelPrograms.pinnedUnder(pins.resolve("links")), "a link pin names its program");
        assertEquals(Set.of(progId), KernelPrograms.pinnedUnder(pins.resolve("progs")), "a program pin names itself");

        // the object is closed: the link and the pins keep the program; the pinned ring buffer still receives
        List<Long> seqs = new ArrayList<>();
        try (PinnedMap ring = PinnedMap.open(pins.resolve("ring"));
             RingBufferReader reader = new RingBufferReader(ring.map())) {
            assertEquals("ring", ring.map().name());
            assertEquals(BpfMap.TYPE_RINGBUF, ring.map().type());
            for (int i = 0; i < 20 && seqs.size() < 2; i++) {
                libc.getpid();
                reader.drain((b, off, len) -> seqs.add(b.getLong(off)));
            }
        }
        assertFalse(seqs.isEmpty(), "records through the map opened from its pin");

        KernelPrograms.LoadedProgram listed = KernelPrograms.list().stream().filter(p -> p.id() == progId).findFirst().orElseThrow();
        assertEquals("emit_records", listed.name());
        assertEquals("tracepoint", listed.type());
        assertEquals(16, listed.tag().length());
        assertTrue(listed.attachPoints().contains("tracepoint sys_enter_getpid"), listed.attachPoints().toString());
        assertTrue(listed.holders().stream().anyMatch(h -> h.pid() == ProcessHandle.current().pid()), listed.holders().toString());

        // the link as another process would take it: opening and closing it again leaves the program attached
        BpfLink.openPinned(pins.resolve("links/link"), "emit_records -> tracepoint/syscalls/sys_enter_getpid").close();
        assertTrue(KernelPrograms.list().stream().anyMatch(p -> p.id() == progId));

        removePins();
        link.close();
        for (int i = 0; i < 100 && KernelPrograms.list().stream().anyMatch(p -> p.id() == progId); i++) Thread.sleep(20);
        assertFalse(KernelPrograms.list().stream().anyMatch(p -> p.id() == progId), "unpinned and detached: unloaded");
    }

    @Test
    void openingAPinThatIsNotThereSaysWhere() {
        BpfException e = org.junit.jupiter.api.Assertions.assertThrows(BpfException.class, () -> PinnedMap.open(pins.resolve("nothing")));
        assertEquals("cannot open the map pinned at " + pins.resolve("nothing") + ": No such file or directory", e.getMessage());
    }
}
