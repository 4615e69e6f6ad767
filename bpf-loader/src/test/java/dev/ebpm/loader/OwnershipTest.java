package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.perf.PerfBufferReader;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import dev.ebpm.loader.testsupport.TestObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs, maps and buffer readers live in their object's native memory: once the object is
 * closed, each use is a one-line IllegalStateException naming the handle and the object (not a
 * crash, not a read of freed memory). Links own their attachment and outlive the object.
 */
class OwnershipTest {
    private static byte[] elf;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        elf = TestObjects.buffers(dir);
        KernelSupport.ensureTracefs();
    }

    private static BpfObject loaded() {
        BpfObject obj = BpfObject.open(elf, "buffers", Optional.empty());
        obj.load();
        return obj;
    }

    private static void assertUseAfterClose(String message, List<Executable> uses) {
        for (Executable use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void theObjectItself() {
        BpfObject obj = loaded();
        obj.close();
        assertUseAfterClose("object 'buffers' was used after it was closed", List.of(
                obj::load, obj::programs, obj::maps, obj::rawBtf, () -> obj.map("ring"), () -> obj.program("emit_records")));
        assertEquals("buffers", obj.name());
        obj.close(); // a second close does nothing
    }

    @Test
    void aMap() {
        BpfObject obj = loaded();
        BpfMap ring = obj.map("ring").orElseThrow();
        BpfMap bss = obj.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst().orElseThrow();
        obj.close();
        byte[] four = new byte[4];
        assertUseAfterClose("map 'ring' of object 'buffers' was used after the object was closed", List.of(
                ring::fd, ring::type, ring::keySize, ring::valueSize, ring::maxEntries, ring::btfKeyTypeId, ring::btfValueTypeId,
                ring::isInternal, ring::isPerCpu, ring::valueBufferSize, ring::initialValue, ring::checkOpen,
                () -> ring.setInitialValue(four), () -> ring.lookup(four, four), () -> ring.update(four, four, BpfMap.BPF_ANY),
                () -> ring.nextKey(null, four), () -> ring.delete(four)));
        assertUseAfterClose("map '" + bss.name() + "' of object 'buffers' was used after the object was closed",
                List.of(() -> bss.lookup(new byte[4], new byte[8])));
        assertEquals("ring", ring.name());
    }

    @Test
    void aProgram() {
        BpfObject obj = loaded();
        BpfProgram p = obj.program("emit_records").orElseThrow();
        obj.close();
        assertUseAfterClose("program 'emit_records' of object 'buffers' was used after the object was closed", List.of(
                p::fd, p::autoload, p::attach, () -> p.attachUprobe("/bin/true", "main", false), () -> p.attachXdp(1, "lo"),
                () -> p.attachCgroup(Path.of("/sys/fs/cgroup")), () -> p.attachTc(1, "lo", BpfProgram.TcAttachPoint.INGRESS, 1, 1)));
        assertEquals("emit_records", p.name());
        assertEquals("tp/syscalls/sys_enter_getpid", p.sectionName());
    }

    @Test
    void aRingBufferReader() {
        BpfObject obj = loaded();
        BpfMap map = obj.map("ring").orElseThrow();
        RingBufferReader closedFirst = new RingBufferReader(map);
        closedFirst.close();
        assertUseAfterClose("the ring buffer reader of map 'ring' was used after it was closed", List.of(
                () -> closedFirst.drain((b, off, len) -> {}), () -> closedFirst.drainWhile((b, off, len) -> true)));
        try (RingBufferReader reader = new RingBufferReader(map)) {
            assertEquals(0, reader.drain((b, off, len) -> {}), "nothing was produced");
            obj.close();
            assertUseAfterClose("map 'ring' of object 'buffers' was used after the object was closed", List.of(
                    () -> reader.drain((b, off, len) -> {}), () -> new RingBufferReader(map)));
        }
    }

    @Test
    void aPerfBufferReader() {
        BpfObject obj = loaded();
        BpfMap map = obj.map("perf").orElseThrow();
        PerfBufferReader closedFirst = new PerfBufferReader(map, 1);
        closedFirst.close();
        assertUseAfterClose("the perf buffer reader of map 'perf' was used after it was closed",
                List.of(() -> closedFirst.drain((b, off, len) -> {})));
        try (PerfBufferReader reader = new PerfBufferReader(map, 1)) {
            assertEquals(0, reader.drain((b, off, len) -> {}), "nothing was produced");
            obj.close();
            assertUseAfterClose("map 'perf' of object 'buffers' was used after the object was closed", List.of(
                    () -> reader.drain((b, off, len) -> {}), () -> new PerfBufferReader(map, 1)));
        }
    }

    @Test
    void aLinkOutlivesItsObjectAndDetachesWhenClosed() throws Exception {
        BpfObject obj = loaded();
        BpfProgram p = obj.program("emit_records").orElseThrow();
        BpfLink link = p.attach();
        int id = programId(p.fd());
        obj.close();
        assertTrue(programLoaded(id), "the link keeps program " + id + " loaded after its object closed");
        assertUseAfterClose("program 'emit_records' of object 'buffers' was used after the object was closed", List.of(p::attach));
        link.close();
        long until = System.nanoTime() + 5_000_000_000L; // the kernel frees the program after the last reference, not in the close
        while (programLoaded(id) && System.nanoTime() < until) Thread.sleep(20);
        assertFalse(programLoaded(id), "closing the last link unloaded program " + id);
        link.close(); // a second close does nothing
    }

    /** The kernel's id of a program fd of this process, from /proc/self/fdinfo. */
    private static int programId(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("prog_id:")) return Integer.parseInt(line.substring(8).trim());
        }
        throw new AssertionError("fd " + fd + " is not a BPF program");
    }

    private static boolean programLoaded(int id) throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
