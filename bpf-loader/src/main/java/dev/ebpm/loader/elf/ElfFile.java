package dev.ebpm.loader.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A minimal ELF64 reader: section headers with their bytes, and the symbol table. Enough to take
 * a BPF object apart (its .BTF, .maps, .rodata and program sections); not a general ELF library.
 * Both byte orders are read, since BPF objects may be built for bpfeb.
 */
public final class ElfFile {
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOBITS = 8;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STV_DEFAULT = 0;
    public static final int STV_HIDDEN = 2;
    public static final int EM_BPF = 247;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    /** Largest zero-filled (SHT_NOBITS) section, as large as the largest BPF object ebpm reads. */
    private static final long MAX_NOBITS = 64L << 20;

    private final byte[] data;
    private final ByteOrder order;
    private final int machine;
    private final List<Section> sections;
    private final List<Symbol> symbols;

    /** One section header; {@link #bytes()} copies the contents (zeros for SHT_NOBITS). */
    public record Section(int index, String name, int type, long flags, long offset, long size,
                          int link, int info, long entsize, byte[] contents) {
        public byte[] bytes() {
            return contents.clone();
        }

        public boolean executable() {
            return (flags & SHF_EXECINSTR) != 0;
        }

        public boolean writable() {
            return (flags & SHF_WRITE) != 0;
        }

        public boolean alloc() {
            return (flags & SHF_ALLOC) != 0;
        }

        @Override
        public String toString() {
            return "Section[" + index + " " + name + " type=" + type + " size=" + size + "]";
        }
    }

    /**
     * One symbol table entry; {@code sectionIndex} is the raw st_shndx (0 = undefined),
     * {@code visibility} the low bits of st_other (2 = STV_HIDDEN, which libbpf treats as static).
     */
    public record Symbol(String name, int sectionIndex, long value, long size, int type, int binding, int visibility) {
        public Symbol(String name, int sectionIndex, long value, long size, int type, int binding) {
            this(name, sectionIndex, value, size, type, binding, 0);
        }

        public boolean isHidden() {
            return visibility == STV_HIDDEN;
        }

        public boolean isFunction() {
            return type == STT_FUNC;
        }

        public boolean isObject() {
            return type == STT_OBJECT;
        }

        public boolean isGlobal() {
            return binding == STB_GLOBAL || binding == STB_WEAK;
        }
    }

    private ElfFile(byte[] data, ByteOrder order, int machine, List<Section> sections, List<Symbol> symbols) {
        this.data = data;
        this.order = order;
        this.machine = machine;
        this.sections = sections;
        this.symbols = symbols;
    }

    public static ElfFile parse(byte[] elf) {
        int n = elf.length;
        if (n < 16 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new ElfException("not an ELF file: bad magic in " + n + "-byte file");
        }
        if (elf[4] != 2) {
            throw new ElfException("unsupported ELF class " + elf[4] + " (only ELF64) in " + n + "-byte file");
        }
        ByteOrder order = switch (elf[5]) {
            case 1 -> ByteOrder.LITTLE_ENDIAN;
            case 2 -> ByteOrder.BIG_ENDIAN;
            default -> throw new ElfException("bad ELF data encoding " + elf[5] + " at 0x5");
        };
        if (n < EHDR_SIZE) {
            throw new ElfException("truncated ELF: header needs 64 bytes, file has " + n);
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(order);
        int machine = Short.toUnsignedInt(b.getShort(0x12));
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3E));
        if (shnum == 0) {
            return new ElfFile(elf, order, machine, List.of(), List.of());
        }
        if (shentsize != SHDR_SIZE) {
            throw new ElfException("bad ELF section header size " + shentsize + " at 0x3a (expected 64)");
        }
        if (shoff < 0 || shoff > n - (long) shnum * SHDR_SIZE) {
            throw new ElfException(String.format(
                    "truncated ELF: section header table at 0x%x (%d entries) past end of %d-byte file",
                    shoff, shnum, n));
        }
        if (shstrndx >= shnum) {
            throw new ElfException("bad ELF section name table index " + shstrndx + " (" + shnum + " sections)");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * SHDR_SIZE);
            raw[i] = new long[] {
                Integer.toUnsignedLong(b.getInt(h)), Integer.toUnsignedLong(b.getInt(h + 4)), b.getLong(h + 8),
                b.getLong(h + 0x18), b.getLong(h + 0x20), Integer.toUnsignedLong(b.getInt(h + 0x28)),
                Integer.toUnsignedLong(b.getInt(h + 0x2C)), b.getLong(h + 0x38)};
        }
        byte[] shstr = contents(elf, shstrndx, raw[shstrndx]);
        List<Section> sections = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = i == 0 ? "" : string(shstr, r[0], "section " + i + " name");
            sections.add(new Section(i, name, (int) r[1], r[2], r[3], r[4], (int) r[5], (int) r[6], r[7],
                    contents(elf, i, r)));
        }
        List<Symbol> symbols = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() != SHT_SYMTAB) {
                continue;
            }
            if (s.link() < 0 || s.link() >= shnum) {
                throw new ElfException("bad ELF symbol table " + s.name() + ": string table index " + Integer.toUnsignedString(s.link()));
            }
            byte[] strtab = sections.get(s.link()).contents();
            ByteBuffer sb = ByteBuffer.wrap(s.contents()).order(order);
            for (int off = 0; off + SYM_SIZE <= s.contents().length; off += SYM_SIZE) {
                long nameOff = Integer.toUnsignedLong(sb.getInt(off));
                int info = Byte.toUnsignedInt(sb.get(off + 4));
                int other = Byte.toUnsignedInt(sb.get(off + 5));
                int shndx = Short.toUnsignedInt(sb.getShort(off + 6));
                symbols.add(new Symbol(string(strtab, nameOff, "symbol at 0x" + Long.toHexString(s.offset() + off)),
                        shndx, sb.getLong(off + 8), sb.getLong(off + 16), info & 0xf, info >> 4, other & 0x3));
            }
        }
        return new ElfFile(elf, order, machine, Collections.unmodifiableList(sections),
                Collections.unmodifiableList(symbols));
    }

    private static byte[] contents(byte[] elf, int index, long[] r) {
        long type = r[1];
        long off = r[3];
        long size = r[4];
        if (type == SHT_NOBITS) {
            // zeros the file does not hold: bounded like an object's own bytes, not by a number in a header
            if (size < 0 || size > MAX_NOBITS) {
                throw new ElfException("ELF section " + index + " declares " + Long.toUnsignedString(size) + " bytes of zeros, more than "
                        + (MAX_NOBITS >> 20) + " MiB");
            }
            return new byte[(int) size];
        }
        // compared without adding, so a huge offset or size cannot wrap around
        if (off < 0 || size < 0 || off > elf.length || size > elf.length - off) {
            throw new ElfException(String.format(
                    "truncated ELF: section %d at 0x%x (%d bytes) past end of %d-byte file",
                    index, off, size, elf.length));
        }
        return Arrays.copyOfRange(elf, (int) off, (int) (off + size));
    }

    private static String string(byte[] table, long off, String what) {
        if (off < 0 || off >= table.length) {
            if (off == 0) {
                return "";
            }
            throw new ElfException("bad ELF string offset " + off + " for " + what + " (table has " + table.length + " bytes)");
        }
        int end = (int) off;
        while (end < table.length && table[end] != 0) {
            end++;
        }
        return new String(table, (int) off, end - (int) off, StandardCharsets.UTF_8);
    }

    public ByteOrder byteOrder() {
        return order;
    }

    /** e_machine; 247 (EM_BPF) for BPF objects. */
    public int machine() {
        return machine;
    }

    public List<Section> sections() {
        return sections;
    }

    public Optional<Section> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Section section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new ElfException("no ELF section " + index + " (" + sections.size() + " sections)");
        }
        return sections.get(index);
    }

    /** All symbol table entries, including the null symbol at index 0. */
    public List<Symbol> symbols() {
        return symbols;
    }

    public Optional<Symbol> symbol(String name) {
        for (Symbol s : symbols) {
            if (s.name().equals(name) && s.sectionIndex() != 0) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The size of the whole file in bytes. */
    public int length() {
        return data.length;
    }
}
