package dev.ebpm.loader.btf;

import java.util.List;

/**
 * One BTF type. Each kind is a record nested here ({@code BtfType.Int}, {@code BtfType.Composite},
 * ...), so that {@code Void}, {@code Float} and {@code Enum} do not clash with {@code java.lang}.
 * Anonymous types have the name {@code ""}; type references are ids into the same {@link Btf}.
 */
public sealed interface BtfType {
    int id();

    BtfKind kind();

    String name();

    /** Type id 0. */
    record Void(int id) implements BtfType {
        public BtfKind kind() { return BtfKind.VOID; }
        public String name() { return "void"; }
    }

    /** {@code bitOffset} and {@code bits} come from the INT encoding word, not from a member. */
    record Int(int id, String name, int size, boolean signed, boolean isChar, boolean isBool,
               int bitOffset, int bits) implements BtfType {
        public BtfKind kind() { return BtfKind.INT; }
    }

    record Ptr(int id, int type) implements BtfType {
        public BtfKind kind() { return BtfKind.PTR; }
        public String name() { return ""; }
    }

    record Array(int id, int elemType, int indexType, int nelems) implements BtfType {
        public BtfKind kind() { return BtfKind.ARRAY; }
        public String name() { return ""; }
    }

    /** STRUCT or UNION. */
    record Composite(int id, BtfKind kind, String name, int size, List<Member> members) implements BtfType {
        public Composite {
            members = List.copyOf(members);
        }
    }

    /** {@code bitfieldSize} is 0 for a member that is not a bitfield. */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
        public boolean isBitfield() { return bitfieldSize != 0; }
    }

    /** ENUM and ENUM64, told apart by {@link #kind()}. */
    record Enum(int id, String name, int size, boolean signed, List<EnumValue> values, BtfKind kind)
            implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }
        /** ENUM64 when 8 bytes wide, else ENUM. */
        public Enum(int id, String name, int size, boolean signed, List<EnumValue> values) {
            this(id, name, size, signed, values, size == 8 ? BtfKind.ENUM64 : BtfKind.ENUM);
        }
    }

    record EnumValue(String name, long value) {}

    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() { return BtfKind.FWD; }
    }

    record Typedef(int id, String name, int type) implements BtfType {
        public BtfKind kind() { return BtfKind.TYPEDEF; }
    }

    /** CONST, VOLATILE, RESTRICT and TYPE_TAG; only a TYPE_TAG has a name (the tag). */
    record Modifier(int id, BtfKind kind, int type, String name) implements BtfType {
        public Modifier(int id, BtfKind kind, int type) {
            this(id, kind, type, "");
        }
    }

    /** {@code type} is the FUNC_PROTO; linkage 0 static, 1 global, 2 extern. */
    record Func(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.FUNC; }
    }

    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }
        public BtfKind kind() { return BtfKind.FUNC_PROTO; }
        public String name() { return ""; }
    }

    record Param(String name, int type) {}

    /** linkage 0 static, 1 global, 2 extern. */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() { return BtfKind.VAR; }
    }

    /**
     * An ELF data section. Clang leaves {@code size} and the variable offsets at 0 in an object
     * file; libbpf (and {@code SkeletonGenerator}) fill them in from the ELF section and symbols.
     */
    record Datasec(int id, String name, int size, List<VarSecInfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }
        public BtfKind kind() { return BtfKind.DATASEC; }
    }

    /** {@code type} is a VAR (or FUNC for externs). */
    record VarSecInfo(int type, int offset, int size) {}

    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() { return BtfKind.FLOAT; }
    }

    /** {@code componentIdx} is -1 for a tag on the type itself, else the member/param index. */
    record DeclTag(int id, String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() { return BtfKind.DECL_TAG; }
    }
}
