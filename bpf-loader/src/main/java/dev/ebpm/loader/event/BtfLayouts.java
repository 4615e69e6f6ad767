package dev.ebpm.loader.event;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfKind;
import dev.ebpm.loader.btf.BtfType;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns BTF types (or, lacking BTF, export_types' C type names) into decoder layouts. */
public final class BtfLayouts {
    private BtfLayouts() {}

    /** The layout of struct {@code typeId}, members flattened one level as ecli prints them. */
    public static EventLayout struct(Btf btf, int typeId) {
        BtfType t = btf.resolve(typeId);
        if (!(t instanceof BtfType.Composite c)) {
            throw new BpfException("BTF type " + typeId + " (" + btf.cName(typeId) + ") is not a struct; cannot decode events of it");
        }
        List<Field> fields = new ArrayList<>();
        for (BtfType.Member m : c.members()) {
            int byteOffset = m.bitOffset() / 8;
            Field f = field(btf, m.name().isEmpty() ? "_" + fields.size() : m.name(), m.type(), byteOffset);
            if (m.isBitfield()) {
                f = new Field(f.name(), f.cType(), byteOffset, Math.max(1, (m.bitOffset() % 8 + m.bitfieldSize() + 7) / 8),
                        Field.Kind.INT, f.signed(), 0, null, Map.of(), m.bitOffset() % 8, m.bitfieldSize());
            }
            fields.add(f);
        }
        return new EventLayout(c.name().isEmpty() ? "anon" : c.name(), c.size(), fields);
    }

    /**
     * The layout of a map's key or value type: a struct's members, or for a scalar (a {@code u32} key, a {@code u64}
     * counter) one field named {@code scalarName}.
     */
    public static EventLayout of(Btf btf, int typeId, String scalarName) {
        if (btf.resolve(typeId) instanceof BtfType.Composite) return struct(btf, typeId);
        Field f = field(btf, scalarName, typeId, 0);
        return new EventLayout(btf.cName(typeId), f.size(), List.of(f));
    }

    /** The layout for an export type: by its BTF id when the object has BTF, else by its type names. */
    public static EventLayout exportType(EunomiaPackage.ExportType et, Optional<Btf> btf) {
        if (btf.isPresent()) {
            Btf b = btf.get();
            OptionalInt byName = et.name == null ? OptionalInt.empty() : b.findByName(et.name, BtfKind.STRUCT);
            if (byName.isPresent()) return struct(b, byName.getAsInt());
            if (et.typeId != null && et.typeId > 0 && et.typeId < b.typeCount()
                    && b.resolve(et.typeId) instanceof BtfType.Composite) {
                return struct(b, et.typeId);
            }
        }
        return TypeNames.layout(et);
    }

    /**
     * A data-section variable the object's BTF does not describe, from its C type name and the offset package.json gives.
     */
    public static Field variable(String section, String name, String type, int offset) {
        if (type == null) throw new BpfException("variable '" + name + "' in " + section + " has no type");
        return TypeNames.field(name, type, offset, "variable '" + name + "' in " + section, dev.ebpm.loader.skeleton.SkeletonLimits.MAX_SECTION_SIZE);
    }

    static Field field(Btf btf, String name, int typeId, int offset) {
        String cName = btf.cName(typeId);
        BtfType t = btf.resolve(typeId);
        int size = (int) btf.sizeOf(typeId);
        if (t instanceof BtfType.Int i) {
            return i.isBool() ? Field.scalar(name, cName, offset, size, Field.Kind.BOOL, false)
                    : Field.scalar(name, cName, offset, size, Field.Kind.INT, i.signed());
        }
        if (t instanceof BtfType.Enum e) {
            Map<Long, String> names = new LinkedHashMap<>();
            for (BtfType.EnumValue v : e.values()) names.putIfAbsent(v.value(), v.name());
            return new Field(name, cName, offset, size, Field.Kind.ENUM, e.signed(), 0, null, names, 0, 0);
        }
        if (t instanceof BtfType.Float) return Field.scalar(name, cName, offset, size, Field.Kind.FLOAT, true);
        if (t instanceof BtfType.Ptr) return Field.scalar(name, cName, offset, 8, Field.Kind.POINTER, false);
        if (t instanceof BtfType.Array a) {
            BtfType elem = btf.resolve(a.elemType());
            if (elem instanceof BtfType.Int ei && ei.size() == 1 && (ei.isChar() || ei.name().contains("char"))) {
                return new Field(name, cName, offset, size, Field.Kind.CHAR_ARRAY, false, a.nelems(), null, Map.of(), 0, 0);
            }
            Field e = field(btf, name, a.elemType(), 0);
            return new Field(name, cName, offset, size, Field.Kind.ARRAY, false, a.nelems(), e, Map.of(), 0, 0);
        }
        if (t instanceof BtfType.Composite) {
            return new Field(name, cName, offset, size, Field.Kind.STRUCT, false, 0, null, Map.of(), 0, 0);
        }
        return Field.scalar(name, cName, offset, Math.max(size, 0), Field.Kind.INT, false);
    }

    /** Offset, size and type of variable {@code var} in data section {@code section}, from the object's BTF. */
    public static Optional<SectionVariable> sectionVariable(Btf btf, String section, String var) {
        OptionalInt sec = btf.findByName(section, BtfKind.DATASEC);
        if (sec.isEmpty()) return Optional.empty();
        BtfType.Datasec ds = (BtfType.Datasec) btf.type(sec.getAsInt());
        for (BtfType.VarSecInfo vsi : ds.vars()) {
            if (btf.type(vsi.type()) instanceof BtfType.Var v && v.name().equals(var)) {
                return Optional.of(new SectionVariable(vsi.offset(), vsi.size(), field(btf, var, v.type(), vsi.offset())));
            }
        }
        return Optional.empty();
    }

    /** A variable's place in its section and how to encode it. */
    public record SectionVariable(int offset, int size, Field field) {}
}
