package dev.ebpm.loader.event;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layouts from C type names alone, for export_types that carry sizes and offsets but whose object
 * has no BTF entry for the struct. Knows the common scalar spellings and {@code T[N]} arrays.
 */
final class TypeNames {
    private static final Pattern ARRAY = Pattern.compile("^(.*?)\\s*\\[(\\d+)\\]$");
    private static final Map<String, Object[]> SCALARS = Map.ofEntries(
            e("char", 1, true), e("signed char", 1, true), e("unsigned char", 1, false),
            e("short", 2, true), e("unsigned short", 2, false), e("int", 4, true), e("unsigned int", 4, false),
            e("long", 8, true), e("unsigned long", 8, false), e("long long", 8, true), e("unsigned long long", 8, false),
            e("__s8", 1, true), e("__u8", 1, false), e("__s16", 2, true), e("__u16", 2, false),
            e("__s32", 4, true), e("__u32", 4, false), e("__s64", 8, true), e("__u64", 8, false),
            e("s8", 1, true), e("u8", 1, false), e("s16", 2, true), e("u16", 2, false),
            e("s32", 4, true), e("u32", 4, false), e("s64", 8, true), e("u64", 8, false),
            e("int8_t", 1, true), e("uint8_t", 1, false), e("int16_t", 2, true), e("uint16_t", 2, false),
            e("int32_t", 4, true), e("uint32_t", 4, false), e("int64_t", 8, true), e("uint64_t", 8, false),
            e("pid_t", 4, true), e("uid_t", 4, false), e("gid_t", 4, false), e("size_t", 8, false),
            e("__int128", 16, true), e("unsigned __int128", 16, false), e("__u128", 16, false), e("__s128", 16, true));

    private static Map.Entry<String, Object[]> e(String name, int size, boolean signed) {
        return Map.entry(name, new Object[] {size, signed});
    }

    private TypeNames() {}

    static EventLayout layout(EunomiaPackage.ExportType et) {
        List<Field> fields = new ArrayList<>();
        int offset = 0;
        for (EunomiaPackage.Member m : et.members) {
            Field f = field(m.name, m.type, m.offset != null ? m.offset : offset, et.name);
            if (m.size != null && m.size != f.size()) {
                throw new BpfException("export type '" + et.name + "': member '" + m.name + "' is " + f.size()
                        + " bytes as " + m.type + " but the package says " + m.size);
            }
            fields.add(f);
            offset = f.offset() + f.size();
        }
        int size = et.size != null ? et.size : offset;
        return new EventLayout(et.name, size, fields);
    }

    static Field field(String name, String type, int offset, String struct) {
        String t = type.trim().replaceAll("\\s+", " ").replace("volatile ", "").replace("const ", "");
        Matcher arr = ARRAY.matcher(t);
        if (arr.matches()) {
            int n = Integer.parseInt(arr.group(2));
            String elem = arr.group(1);
            if (elem.equals("char") || elem.equals("unsigned char") || elem.equals("signed char") || elem.equals("__u8") || elem.equals("u8")) {
                return new Field(name, type, offset, n, Field.Kind.CHAR_ARRAY, false, n, null, Map.of(), 0, 0);
            }
            Field e = field(name, elem, 0, struct);
            return new Field(name, type, offset, n * e.size(), Field.Kind.ARRAY, false, n, e, Map.of(), 0, 0);
        }
        if (t.equals("bool") || t.equals("_Bool")) return Field.scalar(name, type, offset, 1, Field.Kind.BOOL, false);
        if (t.equals("float")) return Field.scalar(name, type, offset, 4, Field.Kind.FLOAT, true);
        if (t.equals("double")) return Field.scalar(name, type, offset, 8, Field.Kind.FLOAT, true);
        if (t.endsWith("*")) return Field.scalar(name, type, offset, 8, Field.Kind.POINTER, false);
        Object[] s = SCALARS.get(t);
        if (s == null) {
            throw new BpfException("export type '" + struct + "': cannot decode member '" + name + "' of type '" + type
                    + "' without BTF for the struct");
        }
        return Field.scalar(name, type, offset, (Integer) s[0], Field.Kind.INT, (Boolean) s[1]);
    }
}
