package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.testsupport.TestObjects;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Map element operations on a real loaded map: "no such key" is an answer (false), any other
 * refusal a BpfException carrying the kernel's errno; initial values are copies set before load.
 */
class BpfMapTest {
    private static byte[] elf;

    @BeforeAll
    static void build(@TempDir Path dir) throws Exception {
        elf = TestObjects.buffers(dir);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    @Test
    void elementOperationsOnAnArrayMap() {
        try (BpfObject obj = BpfObject.open(elf, "buffers", Optional.empty())) {
            obj.load();
            BpfMap bss = obj.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst().orElseThrow();
            assertEquals(4, bss.keySize());
            assertEquals(8, bss.valueBufferSize());
            byte[] value = new byte[8];
            assertTrue(bss.lookup(u32(0), value));
            assertArrayEquals(u64(0), value, "next_seq starts at 0");
            bss.update(u32(0), u64(42), BpfMap.BPF_ANY);
            assertTrue(bss.lookup(u32(0), value));
            assertArrayEquals(u64(42), value);
            assertFalse(bss.lookup(u32(1), value), "an array of one has no index 1");

            byte[] key = new byte[4];
            assertTrue(bss.nextKey(null, key));
            assertArrayEquals(u32(0), key);
            assertFalse(bss.nextKey(key, key), "index 0 is the last key");

            BpfException e = assertThrows(BpfException.class, () -> bss.delete(u32(0)));
            assertEquals(22, e.errno(), "arrays refuse deletes with EINVAL");
            assertEquals("cannot delete an element of map '" + bss.name() + "': Invalid argument", e.getMessage());

            IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class, () -> bss.lookup(new byte[2], value));
            assertEquals("map '" + bss.name() + "' has 4-byte keys, not 2", wrongSize.getMessage());
            assertThrows(IllegalArgumentException.class, () -> bss.update(u32(0), new byte[4], BpfMap.BPF_ANY));
        }
    }

    @Test
    void initialValuesAreCopiesThatTakeEffectWhenSetBeforeLoad() {
        try (BpfObject obj = BpfObject.open(elf, "buffers", Optional.empty())) {
            BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
            ByteBuffer ro = rodata.initialValue().orElseThrow();
            assertEquals(50, ro.getInt(4), "per_trigger's default");
            ro.putInt(4, 7);
            assertEquals(50, rodata.initialValue().orElseThrow().getInt(4), "a copy: unchanged until set");
            assertThrows(IllegalArgumentException.class, () -> rodata.setInitialValue(new byte[4]));
            rodata.setInitialValue(ro.array());
            assertEquals(7, rodata.initialValue().orElseThrow().getInt(4));
            assertEquals(Optional.empty(), obj.map("ring").orElseThrow().initialValue(), "not a data section");
            obj.load();
            BpfException e = assertThrows(BpfException.class, () -> rodata.setInitialValue(ro.array()));
            assertEquals("cannot set the initial value of map '" + rodata.name() + "': its object is already loaded", e.getMessage());
            byte[] loaded = new byte[8];
            assertTrue(rodata.lookup(u32(0), loaded));
            assertEquals(7, ByteBuffer.wrap(loaded).order(ByteOrder.nativeOrder()).getInt(4), "the kernel sees the value set before load");
        }
    }
}
