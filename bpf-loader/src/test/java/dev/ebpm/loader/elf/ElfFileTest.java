package dev.ebpm.loader.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.testsupport.Tools;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {
    @TempDir
    static Path tmp;
    static byte[] obj;

    @BeforeAll
    static void compile() throws Exception {
        Path src = tmp.resolve("shapes.bpf.c");
        try (InputStream in = ElfFileTest.class.getResourceAsStream("/btf/shapes.bpf.c")) {
            Files.write(src, in.readAllBytes());
        }
        obj = Files.readAllBytes(Tools.compileBpf(src, tmp.resolve("shapes.bpf.o"), "bpfel"));
    }

    @Test
    void sectionsAndSymbols() {
        ElfFile elf = ElfFile.parse(obj);
        assertEquals(ElfFile.EM_BPF, elf.machine());
        assertEquals(ByteOrder.LITTLE_ENDIAN, elf.byteOrder());
        ElfFile.Section rodata = elf.section(".rodata").orElseThrow();
        assertEquals(4, rodata.size());
        assertArrayEquals(new byte[] {42, 0, 0, 0}, rodata.bytes());
        ElfFile.Section bss = elf.section(".bss").orElseThrow();
        assertEquals(ElfFile.SHT_NOBITS, bss.type());
        assertEquals(8, bss.bytes().length);
        assertTrue(elf.section(".text").orElseThrow().executable());
        assertTrue(elf.section(".BTF").isPresent());
        assertTrue(elf.section(".nope").isEmpty());

        ElfFile.Symbol use = elf.symbol("use").orElseThrow();
        assertTrue(use.isFunction() && use.isGlobal());
        assertEquals(".text", elf.section(use.sectionIndex()).name());
        ElfFile.Symbol answer = elf.symbol("answer").orElseThrow();
        assertTrue(answer.isObject());
        assertEquals(4, answer.size());
        assertEquals(".rodata", elf.section(answer.sectionIndex()).name());
    }

    @Test
    void truncatedFilesFailWithWhereAndWhat() {
        ElfException e = assertThrows(ElfException.class, () -> ElfFile.parse(Arrays.copyOf(obj, 1234)));
        long shoff = ByteBuffer.wrap(obj).order(ByteOrder.LITTLE_ENDIAN).getLong(0x28);
        assertTrue(e.getMessage().matches("truncated ELF: section header table at 0x" + Long.toHexString(shoff)
                + " \\(\\d+ entries\\) past end of 1234-byte file"), e.getMessage());

        e = assertThrows(ElfException.class, () -> ElfFile.parse(new byte[] {1, 2, 3}));
        assertEquals("not an ELF file: bad magic in 3-byte file", e.getMessage());

        byte[] elf32 = obj.clone();
        elf32[4] = 1;
        e = assertThrows(ElfException.class, () -> ElfFile.parse(elf32));
        assertEquals("unsupported ELF class 1 (only ELF64) in " + obj.length + "-byte file", e.getMessage());

        // a section whose data runs past the end: point .BTF's offset near the end
        ElfFile good = ElfFile.parse(obj);
        int btfIndex = good.section(".BTF").orElseThrow().index();
        byte[] bad = obj.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong((int) shoff + btfIndex * 64 + 0x18, obj.length - 4);
        e = assertThrows(ElfException.class, () -> ElfFile.parse(bad));
        assertTrue(e.getMessage().startsWith("truncated ELF: section " + btfIndex + " at 0x"), e.getMessage());
    }
}
