package dev.ebpm.loader.btf;

import dev.ebpm.loader.btf.BtfType.Array;
import dev.ebpm.loader.btf.BtfType.Composite;
import dev.ebpm.loader.btf.BtfType.Datasec;
import dev.ebpm.loader.btf.BtfType.DeclTag;
import dev.ebpm.loader.btf.BtfType.EnumValue;
import dev.ebpm.loader.btf.BtfType.Func;
import dev.ebpm.loader.btf.BtfType.FuncProto;
import dev.ebpm.loader.btf.BtfType.Fwd;
import dev.ebpm.loader.btf.BtfType.Int;
import dev.ebpm.loader.btf.BtfType.Member;
import dev.ebpm.loader.btf.BtfType.Modifier;
import dev.ebpm.loader.btf.BtfType.Param;
import dev.ebpm.loader.btf.BtfType.Ptr;
import dev.ebpm.loader.btf.BtfType.Typedef;
import dev.ebpm.loader.btf.BtfType.Var;
import dev.ebpm.loader.btf.BtfType.VarSecInfo;
import dev.ebpm.loader.elf.ElfException;
import dev.ebpm.loader.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * A parsed BTF blob (kernel {@code /sys/kernel/btf/vmlinux} or an object's {@code .BTF} section),
 * in pure Java. Immutable; type ids index {@link #type(int)}, id 0 is void. Split BTF (kernel
 * modules) is not supported.
 */
public final class Btf {
    public static final int MAGIC = 0xEB9F;
    /** The default kernel BTF location; {@code BTF_FILE_PATH} overrides it, as in libbpf tools. */
    public static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private static final int HEADER_MIN = 24;
    /** As libbpf's MAX_RESOLVE_DEPTH: deeper chains are taken for loops. */
    private static final int MAX_RESOLVE_DEPTH = 32;
    private static final int POINTER_SIZE = 8;

    private final List<BtfType> types;
    private final ByteOrder order;
    private volatile Map<String, int[]> byName;

    private Btf(List<BtfType> types, ByteOrder order) {
        this.types = types;
        this.order = order;
    }

    private static final class KernelHolder {
        static final Btf KERNEL = load();

        private static Btf load() {
            String env = System.getenv("BTF_FILE_PATH");
            Path path = env != null && !env.isEmpty() ? Path.of(env) : KERNEL_BTF;
            try {
                return parse(Files.readAllBytes(path));
            } catch (IOException e) {
                throw new BtfException("cannot read kernel BTF " + path + ": " + e.getMessage()
                        + " (kernel built without CONFIG_DEBUG_INFO_BTF? set BTF_FILE_PATH to a BTF file)", e);
            } catch (BtfException e) {
                throw new BtfException(path + ": " + e.getMessage(), e);
            }
        }
    }

    /** The running kernel's BTF (or the file named by env {@code BTF_FILE_PATH}); read once, then shared. */
    public static Btf kernel() {
        try {
            return KernelHolder.KERNEL;
        } catch (ExceptionInInitializerError e) {
            throw e.getCause() instanceof BtfException be ? be : new BtfException("cannot load kernel BTF: " + e.getCause());
        } catch (NoClassDefFoundError e) {
            // the holder failed once already; run the load again for a fresh message
            return KernelHolder.load();
        }
    }

    /** Reads a BTF file, or the {@code .BTF} section if the file is an ELF object. */
    public static Btf read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BtfException("cannot read BTF file " + file + ": " + e.getMessage(), e);
        }
        boolean elf = bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
        try {
            return elf ? fromElf(bytes) : parse(bytes);
        } catch (BtfException e) {
            throw new BtfException(file + ": " + e.getMessage(), e);
        }
    }

    /** Finds and parses the {@code .BTF} section of an ELF64 object. */
    public static Btf fromElf(byte[] elf) {
        ElfFile file;
        try {
            file = ElfFile.parse(elf);
        } catch (ElfException e) {
            throw new BtfException(e.getMessage(), e);
        }
        ElfFile.Section section = file.section(".BTF")
                .orElseThrow(() -> new BtfException("no .BTF section in ELF object (compile with clang -g)"));
        try {
            return parse(section.contents());
        } catch (BtfException e) {
            throw new BtfException(".BTF section: " + e.getMessage(), e);
        }
    }

    /** Parses a raw BTF blob in either byte order. */
    public static Btf parse(byte[] raw) {
        if (raw.length < HEADER_MIN) {
            throw new BtfException("truncated BTF: header needs 24 bytes, blob has " + raw.length);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int magic = Short.toUnsignedInt(b.getShort(0));
        if (magic != MAGIC) {
            if (magic == Integer.reverseBytes(MAGIC) >>> 16) {
                b.order(ByteOrder.BIG_ENDIAN);
            } else {
                throw new BtfException(String.format("bad BTF magic 0x%04x at offset 0 (expected 0xeb9f)", magic));
            }
        }
        int version = Byte.toUnsignedInt(b.get(2));
        if (version != 1) {
            throw new BtfException("unsupported BTF version " + version + " at offset 2");
        }
        long hdrLen = u32(b, 4);
        if (hdrLen < HEADER_MIN || hdrLen > raw.length) {
            throw new BtfException("bad BTF header length " + hdrLen + " at offset 4 in " + raw.length + "-byte blob");
        }
        long typeOff = hdrLen + u32(b, 8);
        long typeLen = u32(b, 12);
        long strOff = hdrLen + u32(b, 16);
        long strLen = u32(b, 20);
        if (typeOff + typeLen > raw.length) {
            throw new BtfException(String.format("truncated BTF: type section at 0x%x (%d bytes) past end of %d-byte blob",
                    typeOff, typeLen, raw.length));
        }
        if (strOff + strLen > raw.length) {
            throw new BtfException(String.format("truncated BTF: string section at 0x%x (%d bytes) past end of %d-byte blob",
                    strOff, strLen, raw.length));
        }
        Strings strings = new Strings(raw, (int) strOff, (int) strLen);
        List<BtfType> types = new ArrayList<>();
        types.add(new BtfType.Void(0));
        new TypeReader(b, (int) typeOff, (int) (typeOff + typeLen), strings, types).readAll();
        return new Btf(Collections.unmodifiableList(types), b.order());
    }

    private static long u32(ByteBuffer b, int off) {
        return Integer.toUnsignedLong(b.getInt(off));
    }

    /** The string section; names are decoded once per offset since many types share them. */
    private static final class Strings {
        private final byte[] raw;
        private final int start;
        private final int len;
        private final Map<Integer, String> cache = new HashMap<>();

        Strings(byte[] raw, int start, int len) {
            this.raw = raw;
            this.start = start;
            this.len = len;
        }

        String at(long off, int typeId, int at) {
            if (off == 0) {
                return "";
            }
            if (off >= len) {
                throw new BtfException(String.format("BTF type %d at offset 0x%x: name offset %d past end of %d-byte string section",
                        typeId, at, off, len));
            }
            return cache.computeIfAbsent((int) off, o -> {
                int end = start + o;
                int limit = start + len;
                while (end < limit && raw[end] != 0) {
                    end++;
                }
                return new String(raw, start + o, end - start - o, StandardCharsets.UTF_8);
            });
        }
    }

    private static final class TypeReader {
        private final ByteBuffer b;
        private final int end;
        private final Strings strings;
        private final List<BtfType> types;
        private int pos;

        TypeReader(ByteBuffer b, int start, int end, Strings strings, List<BtfType> types) {
            this.b = b;
            this.pos = start;
            this.end = end;
            this.strings = strings;
            this.types = types;
        }

        void readAll() {
            while (pos < end) {
                types.add(readOne(types.size()));
            }
        }

        private void need(int bytes, int id, int at) {
            if (pos + bytes > end) {
                throw new BtfException(String.format("truncated BTF: type %d at offset 0x%x needs %d more bytes, type section ends at 0x%x",
                        id, at, bytes, end));
            }
        }

        private int next() {
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        private BtfType readOne(int id) {
            int at = pos;
            need(12, id, at);
            long nameOff = Integer.toUnsignedLong(next());
            int info = next();
            int sizeOrType = next();
            int vlen = info & 0xffff;
            int kindNo = (info >>> 24) & 0x1f;
            boolean kflag = (info >>> 31) != 0;
            BtfKind kind = BtfKind.ofNumber(kindNo);
            if (kind == null || kind == BtfKind.VOID) {
                throw new BtfException(String.format("BTF type %d at offset 0x%x: unknown kind %d", id, at, kindNo));
            }
            String name = strings.at(nameOff, id, at);
            switch (kind) {
                case INT -> {
                    need(4, id, at);
                    int enc = next();
                    int encoding = (enc >>> 24) & 0x0f;
                    return new Int(id, name, sizeOrType, (encoding & 1) != 0, (encoding & 2) != 0, (encoding & 4) != 0,
                            (enc >>> 16) & 0xff, enc & 0xff);
                }
                case PTR -> {
                    return new Ptr(id, sizeOrType);
                }
                case ARRAY -> {
                    need(12, id, at);
                    int elem = next();
                    int index = next();
                    int nelems = next();
                    return new Array(id, elem, index, nelems);
                }
                case STRUCT, UNION -> {
                    need(12 * vlen, id, at);
                    List<Member> members = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        String m = strings.at(Integer.toUnsignedLong(next()), id, at);
                        int type = next();
                        int offset = next();
                        members.add(kflag ? new Member(m, type, offset & 0xffffff, offset >>> 24)
                                : new Member(m, type, offset, 0));
                    }
                    return new Composite(id, kind, name, sizeOrType, members);
                }
                case ENUM -> {
                    need(8 * vlen, id, at);
                    List<EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        String v = strings.at(Integer.toUnsignedLong(next()), id, at);
                        int val = next();
                        values.add(new EnumValue(v, kflag ? val : Integer.toUnsignedLong(val)));
                    }
                    return new BtfType.Enum(id, name, sizeOrType, kflag, values, BtfKind.ENUM);
                }
                case ENUM64 -> {
                    need(12 * vlen, id, at);
                    List<EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        String v = strings.at(Integer.toUnsignedLong(next()), id, at);
                        long lo = Integer.toUnsignedLong(next());
                        long hi = next();
                        values.add(new EnumValue(v, (hi << 32) | lo));
                    }
                    return new BtfType.Enum(id, name, sizeOrType, kflag, values, BtfKind.ENUM64);
                }
                case FWD -> {
                    return new Fwd(id, name, kflag);
                }
                case TYPEDEF -> {
                    return new Typedef(id, name, sizeOrType);
                }
                case VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                    return new Modifier(id, kind, sizeOrType, name);
                }
                case FUNC -> {
                    return new Func(id, name, sizeOrType, vlen);
                }
                case FUNC_PROTO -> {
                    need(8 * vlen, id, at);
                    List<Param> params = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        String p = strings.at(Integer.toUnsignedLong(next()), id, at);
                        params.add(new Param(p, next()));
                    }
                    return new FuncProto(id, sizeOrType, params);
                }
                case VAR -> {
                    need(4, id, at);
                    return new Var(id, name, sizeOrType, next());
                }
                case DATASEC -> {
                    need(12 * vlen, id, at);
                    List<VarSecInfo> vars = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        vars.add(new VarSecInfo(next(), next(), next()));
                    }
                    return new Datasec(id, name, sizeOrType, vars);
                }
                case FLOAT -> {
                    return new BtfType.Float(id, name, sizeOrType);
                }
                case DECL_TAG -> {
                    need(4, id, at);
                    return new DeclTag(id, name, sizeOrType, next());
                }
                default -> throw new BtfException(String.format("BTF type %d at offset 0x%x: unknown kind %d", id, at, kindNo));
            }
        }
    }

    /** The byte order of the blob this was parsed from. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** Number of type ids, including 0 (void). */
    public int typeCount() {
        return types.size();
    }

    /** All types, index = id. */
    public List<BtfType> types() {
        return types;
    }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new BtfException("no BTF type " + id + " (" + types.size() + " types)");
        }
        return types.get(id);
    }

    /** The first type of this kind with this name (ENUM also finds ENUM64, and the other way round). */
    public OptionalInt findByName(String name, BtfKind kind) {
        int[] ids = names().get(name);
        if (ids != null) {
            for (int id : ids) {
                BtfKind k = types.get(id).kind();
                if (k == kind || (isEnum(k) && isEnum(kind))) {
                    return OptionalInt.of(id);
                }
            }
        }
        return OptionalInt.empty();
    }

    private static boolean isEnum(BtfKind k) {
        return k == BtfKind.ENUM || k == BtfKind.ENUM64;
    }

    private Map<String, int[]> names() {
        Map<String, int[]> m = byName;
        if (m == null) {
            Map<String, List<Integer>> lists = new HashMap<>();
            for (BtfType t : types) {
                if (t.id() != 0 && !t.name().isEmpty()) {
                    lists.computeIfAbsent(t.name(), k -> new ArrayList<>(1)).add(t.id());
                }
            }
            m = new HashMap<>(lists.size() * 2);
            for (Map.Entry<String, List<Integer>> e : lists.entrySet()) {
                m.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
            }
            byName = m;
        }
        return m;
    }

    /** Follows typedef, const, volatile, restrict and type_tag to the underlying type id. */
    public int resolveId(int id) {
        int cur = id;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            BtfType t = type(cur);
            if (t instanceof Typedef td) {
                cur = td.type();
            } else if (t instanceof Modifier m) {
                cur = m.type();
            } else {
                return cur;
            }
        }
        throw new BtfException("BTF type " + id + ": modifier/typedef chain deeper than " + MAX_RESOLVE_DEPTH + " (loop?)");
    }

    public BtfType resolve(int id) {
        return type(resolveId(id));
    }

    /** Size in bytes, as libbpf's btf__resolve_size: arrays multiply, pointers are 8, vars follow their type. */
    public long sizeOf(int id) {
        long nelems = 1;
        int cur = id;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            BtfType t = type(cur);
            if (t instanceof Array a) {
                nelems *= Integer.toUnsignedLong(a.nelems());
                cur = a.elemType();
                continue;
            }
            int next = referencedType(t);
            if (next >= 0) {
                cur = next;
                continue;
            }
            long size;
            if (t instanceof Int i) {
                size = i.size();
            } else if (t instanceof Composite c) {
                size = c.size();
            } else if (t instanceof BtfType.Enum e) {
                size = e.size();
            } else if (t instanceof Datasec d) {
                size = d.size();
            } else if (t instanceof BtfType.Float f) {
                size = f.size();
            } else if (t instanceof Ptr) {
                size = POINTER_SIZE;
            } else {
                throw new BtfException("BTF type " + id + ": " + t.kind() + " (type " + t.id() + ") has no size");
            }
            return nelems * size;
        }
        throw new BtfException("BTF type " + id + ": type chain deeper than " + MAX_RESOLVE_DEPTH + " (loop?)");
    }

    /** The type a typedef, modifier, var or decl tag stands for; -1 for other kinds. */
    private static int referencedType(BtfType t) {
        if (t instanceof Typedef td) {
            return td.type();
        } else if (t instanceof Modifier m) {
            return m.type();
        } else if (t instanceof Var v) {
            return v.type();
        } else if (t instanceof DeclTag dt) {
            return dt.type();
        }
        return -1;
    }

    /** The C spelling of a type: {@code unsigned int}, {@code char[16]}, {@code const char *}, {@code int (*)(int)}. */
    public String cName(int id) {
        return declaration(id, "", 0, false);
    }

    /** {@link #cName} without const/volatile/restrict anywhere, as bpftool spells skeleton variables. */
    public String cNameUnqualified(int id) {
        return declaration(id, "", 0, true);
    }

    /** Builds a C declarator inside out: {@code inner} is what the type applies to. */
    private String declaration(int id, String inner, int depth, boolean strip) {
        if (depth > MAX_RESOLVE_DEPTH * 4) {
            throw new BtfException("BTF type " + id + ": type chain too deep to spell in C (loop?)");
        }
        BtfType t = type(id);
        if (t instanceof BtfType.Void) {
            return withBase("void", inner);
        } else if (t instanceof Int || t instanceof BtfType.Float || t instanceof Typedef) {
            return withBase(t.name(), inner);
        } else if (t instanceof Composite c) {
            return withBase((c.kind() == BtfKind.UNION ? "union " : "struct ") + (c.name().isEmpty() ? "{...}" : c.name()), inner);
        } else if (t instanceof BtfType.Enum e) {
            return withBase("enum " + (e.name().isEmpty() ? "{...}" : e.name()), inner);
        } else if (t instanceof Fwd f) {
            return withBase((f.union() ? "union " : "struct ") + f.name(), inner);
        } else if (t instanceof Ptr p) {
            BtfKind target = type(p.type()).kind();
            String star = "*" + inner;
            return declaration(p.type(),
                    target == BtfKind.ARRAY || target == BtfKind.FUNC_PROTO ? "(" + star + ")" : star, depth + 1, strip);
        } else if (t instanceof Array a) {
            return declaration(a.elemType(), inner + "[" + Integer.toUnsignedString(a.nelems()) + "]", depth + 1, strip);
        } else if (t instanceof Modifier m) {
            if (m.kind() == BtfKind.TYPE_TAG || strip) {
                return declaration(m.type(), inner, depth + 1, strip);
            }
            String q = m.kind().name().toLowerCase(java.util.Locale.ROOT);
            if (type(m.type()).kind() == BtfKind.PTR) {
                // a qualified pointer: the qualifier follows the star ("char *const")
                return declaration(m.type(), inner.isEmpty() ? q : q + " " + inner, depth + 1, strip);
            }
            return q + " " + declaration(m.type(), inner, depth + 1, strip);
        } else if (t instanceof FuncProto fp) {
            StringJoiner params = new StringJoiner(", ", "(", ")");
            if (fp.params().isEmpty()) {
                params.add("void");
            }
            for (Param p : fp.params()) {
                params.add(p.type() == 0 ? "..." : declaration(p.type(), "", depth + 1, strip));
            }
            return declaration(fp.returnType(), inner + params, depth + 1, strip);
        } else if (t instanceof Func f) {
            return declaration(f.type(), f.name(), depth + 1, strip);
        } else if (t instanceof Var v) {
            return declaration(v.type(), inner, depth + 1, strip);
        } else if (t instanceof DeclTag dt) {
            return declaration(dt.type(), inner, depth + 1, strip);
        }
        return t.name(); // DATASEC
    }

    private static String withBase(String base, String inner) {
        if (inner.isEmpty()) {
            return base;
        }
        return inner.startsWith("[") || inner.startsWith("(") && !inner.startsWith("(*") ? base + inner : base + " " + inner;
    }

    @Override
    public String toString() {
        return "Btf[" + types.size() + " types, " + order + "]";
    }
}
