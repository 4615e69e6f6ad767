package dev.ebpm.loader.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.testsupport.BpftoolRaw;
import dev.ebpm.loader.testsupport.Tools;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BtfTest {
    private static final List<String> KERNEL_STRUCTS = List.of("task_struct", "sk_buff", "file",
            "trace_event_raw_sys_enter", "trace_event_raw_sys_exit", "trace_event_raw_sched_process_exec",
            "mm_struct", "sock", "inode", "bpf_map");

    @TempDir
    static Path tmp;
    static Path shapesObj;

    @BeforeAll
    static void compileShapes() throws Exception {
        Path src = tmp.resolve("shapes.bpf.c");
        try (InputStream in = BtfTest.class.getResourceAsStream("/btf/shapes.bpf.c")) {
            Files.write(src, in.readAllBytes());
        }
        if (Tools.onPath("clang")) {
            shapesObj = Tools.compileBpf(src, tmp.resolve("shapes.bpf.o"), "bpfel");
        }
    }

    @Test
    void kernelStructsMatchBpftool() throws Exception {
        Tools.assumeKernelBtf();
        Tools.assumeTool("bpftool");
        Btf btf = Btf.kernel();
        BpftoolRaw raw = BpftoolRaw.dump(Btf.KERNEL_BTF);
        assertEquals(raw.count() + 1, btf.typeCount(), "type count (bpftool does not list void)");
        for (String name : KERNEL_STRUCTS) {
            assertStructMatches(btf, raw, name);
        }
    }

    @Test
    void kernelTypesSpelledInC() {
        Tools.assumeKernelBtf();
        Btf btf = Btf.kernel();
        BtfType.Composite task = (BtfType.Composite) btf.type(btf.findByName("task_struct", BtfKind.STRUCT).getAsInt());
        assertEquals("char[16]", btf.cName(member(task, "comm").type()));
        assertEquals("pid_t", btf.cName(member(task, "pid").type()));
        assertEquals("struct task_struct *", btf.cName(member(task, "real_parent").type()));
        assertEquals(16, btf.sizeOf(member(task, "comm").type()));
        assertEquals(4, btf.sizeOf(member(task, "pid").type()));
        assertInstanceOf(BtfType.Int.class, btf.resolve(member(task, "pid").type()));
        assertTrue(btf.findByName("task_struct", BtfKind.UNION).isEmpty());
        assertTrue(btf.findByName("no_such_type_anywhere", BtfKind.STRUCT).isEmpty());
        assertEquals(BtfKind.INT, btf.type(btf.findByName("int", BtfKind.INT).getAsInt()).kind());
    }

    @Test
    void objectStructsMatchBpftool() throws Exception {
        Tools.assumeTool("bpftool");
        Btf btf = Btf.fromElf(Files.readAllBytes(shapesObj));
        BpftoolRaw raw = BpftoolRaw.dump(shapesObj);
        assertEquals(raw.count() + 1, btf.typeCount());
        for (String name : List.of("shapes", "flags", "either")) {
            assertStructMatches(btf, raw, name);
        }
    }

    @Test
    void cNamesOfEveryShape() throws Exception {
        Btf btf = Btf.fromElf(Files.readAllBytes(shapesObj));
        BtfType.Composite s = (BtfType.Composite) btf.type(btf.findByName("shapes", BtfKind.STRUCT).getAsInt());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("u", "unsigned int");
        expected.put("comm", "char[16]");
        expected.put("ev", "struct event *");
        expected.put("pid", "pid_t");
        expected.put("k", "enum kind");
        expected.put("name", "const char *");
        expected.put("grid", "int[2][3]");
        expected.put("fl", "struct flags");
        expected.put("e", "union either");
        expected.put("cb", "int (*)(int, long)");
        expected.put("fixed", "char *const");
        expected.put("v", "volatile int");
        expected.put("rows", "int (*)[3]");
        expected.put("b", "enum big");
        expected.put("ts", "__u64");
        expected.put("ok", "_Bool");
        expected.put("d", "double");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), btf.cName(member(s, e.getKey()).type()), "member " + e.getKey());
        }
        assertEquals(24, btf.sizeOf(member(s, "grid").type()));
        assertEquals(8, btf.sizeOf(member(s, "cb").type()));
        assertEquals(152, btf.sizeOf(s.id()));
        assertEquals("int use(struct shapes *)", btf.cName(btf.findByName("use", BtfKind.FUNC).getAsInt()));

        BtfType.Composite flags = (BtfType.Composite) btf.type(btf.findByName("flags", BtfKind.STRUCT).getAsInt());
        assertEquals(new BtfType.Member("b", member(flags, "a").type(), 3, 5), member(flags, "b"));
        assertTrue(member(flags, "a").isBitfield());
        assertFalse(member(flags, "c").isBitfield());

        BtfType.Enum kind = (BtfType.Enum) btf.type(btf.findByName("kind", BtfKind.ENUM).getAsInt());
        assertEquals("KIND_A", kind.values().get(0).name());
        assertEquals(1, kind.values().get(0).value());

        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(btf.findByName(".rodata", BtfKind.DATASEC).getAsInt());
        BtfType.Var answer = (BtfType.Var) btf.type(rodata.vars().get(0).type());
        assertEquals("answer", answer.name());
        assertEquals("const volatile int", btf.cName(answer.type()));
        assertEquals(4, btf.sizeOf(answer.id()));
        assertEquals(BtfKind.INT, btf.resolve(answer.type()).kind());
    }

    @Test
    void bigEndianObjectReadsTheSame() throws Exception {
        Path be = Tools.compileBpf(tmp.resolve("shapes.bpf.c"), tmp.resolve("shapes.bpfeb.o"), "bpfeb");
        Btf little = Btf.fromElf(Files.readAllBytes(shapesObj));
        Btf big = Btf.fromElf(Files.readAllBytes(be));
        assertEquals(ByteOrder.BIG_ENDIAN, big.byteOrder());
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.byteOrder());
        assertEquals(little.types(), big.types());
    }

    @Test
    void malformedBlobsFailWithOneLineMessages() throws Exception {
        byte[] elf = Files.readAllBytes(shapesObj);
        byte[] raw = rawBtf(elf);

        BtfException e = assertThrows(BtfException.class, () -> Btf.parse(Arrays.copyOf(raw, 10)));
        assertEquals("truncated BTF: header needs 24 bytes, blob has 10", e.getMessage());

        e = assertThrows(BtfException.class, () -> Btf.parse(Arrays.copyOf(raw, raw.length - 100)));
        assertTrue(e.getMessage().startsWith("truncated BTF: string section at 0x"), e.getMessage());

        byte[] badMagic = raw.clone();
        badMagic[0] = 0x12;
        e = assertThrows(BtfException.class, () -> Btf.parse(badMagic));
        assertTrue(e.getMessage().startsWith("bad BTF magic 0x"), e.getMessage());

        // kind 31 in the first type's info word (header is 24 bytes, info at +4)
        byte[] badKind = raw.clone();
        badKind[24 + 7] = 0x1f;
        e = assertThrows(BtfException.class, () -> Btf.parse(badKind));
        assertEquals("BTF type 1 at offset 0x18: unknown kind 31", e.getMessage());

        // type section length claims more than there is: a type cut in half
        byte[] cut = raw.clone();
        java.nio.ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 18);
        e = assertThrows(BtfException.class, () -> Btf.parse(cut));
        assertTrue(e.getMessage().startsWith("truncated BTF: type 2 at offset 0x24 needs 12 more bytes"), e.getMessage());

        for (BtfException ex : List.of(e)) {
            assertFalse(ex.getMessage().contains("\n"));
        }
        assertThrows(BtfException.class, () -> Btf.parse(raw).type(100000));
        assertThrows(BtfException.class, () -> Btf.parse(raw).sizeOf(Btf.parse(raw).findByName("use", BtfKind.FUNC).getAsInt()));
    }

    @Test
    void fromElfWithoutBtfSection() throws Exception {
        Path src = tmp.resolve("nobtf.c");
        Files.writeString(src, "int x(void) { return 1; }\n");
        Path obj = tmp.resolve("nobtf.o");
        new ProcessBuilder("clang", "-target", "bpf", "-O2", "-c", src.toString(), "-o", obj.toString())
                .inheritIO().start().waitFor();
        BtfException e = assertThrows(BtfException.class, () -> Btf.fromElf(Files.readAllBytes(obj)));
        assertEquals("no .BTF section in ELF object (compile with clang -g)", e.getMessage());
        e = assertThrows(BtfException.class, () -> Btf.fromElf(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertEquals("truncated ELF: header needs 64 bytes, file has 17", e.getMessage());
    }

    private static byte[] rawBtf(byte[] elf) {
        return dev.ebpm.loader.elf.ElfFile.parse(elf).section(".BTF").orElseThrow().bytes();
    }

    static BtfType.Member member(BtfType.Composite c, String name) {
        return c.members().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name + " in " + c.name()));
    }

    static void assertStructMatches(Btf btf, BpftoolRaw raw, String name) {
        BpftoolRaw.Entry expected = raw.struct(name);
        assertNotNull(expected, "bpftool lists " + name);
        BtfType t = btf.type(expected.id());
        BtfType.Composite c = assertInstanceOf(BtfType.Composite.class, t, name);
        assertEquals(expected.kind(), c.kind().name(), name);
        assertEquals(name, c.name());
        assertEquals(expected.size(), c.size(), name + " size");
        assertEquals(expected.size(), btf.sizeOf(c.id()), name + " sizeOf");
        assertEquals(expected.id(), btf.findByName(name, c.kind()).getAsInt(), name + " findByName");
        assertEquals(expected.members().size(), c.members().size(), name + " members");
        for (int i = 0; i < c.members().size(); i++) {
            BpftoolRaw.Member em = expected.members().get(i);
            BtfType.Member m = c.members().get(i);
            String where = name + "." + em.name();
            assertEquals(em.name().equals("(anon)") ? "" : em.name(), m.name(), where);
            assertEquals(em.typeId(), m.type(), where + " type");
            assertEquals(em.bitsOffset(), m.bitOffset(), where + " offset");
            assertEquals(em.bitfieldSize(), m.bitfieldSize(), where + " bitfield");
        }
    }
}
