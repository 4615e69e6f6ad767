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
        long offset = 0;
        for (EunomiaPackage.Member m : et.members) {
            if (m.type == null) throw new BpfException("export type '" + et.name + "': member '" + m.name + "' has no type");
            long at = m.offset != null ? m.offset : offset;
            String where = "export type '" + et.name + "': member '" + m.name + "'";
            if (at > EventLayout.MAX_SIZE) {
                throw new BpfException(where + " starts at offset " + at + ", past the largest event of " + EventLayout.MAX_SIZE + " bytes");
            }
            Field f = field(m.name, m.type, (int) at, where, EventLayout.MAX_SIZE);
            if (m.size != null && m.size != f.size()) {
                throw new BpfException("export type '" + et.name + "': member '" + m.name + "' is " + f.size()
                        + " bytes as " + m.type + " but the package says " + m.size);
            }
            fields.add(f);
            offset = (long) f.offset() + f.size();
        }
        long size = et.size != null ? et.size : offset;
        if (size > EventLayout.MAX_SIZE) {
            throw new BpfException("export type '" + et.name + "' is " + size + " bytes, more than the largest event of " + EventLayout.MAX_SIZE);
        }
        return new EventLayout(et.name, (int) size, fields);
    }

    /**
     * The field a C type name describes, at {@code offset}; {@code where} names it in messages and an array larger than
     * {@code maxBytes} is refused.
     */
    static Field field(String name, String type, int offset, String where, int maxBytes) {
        String t = type.trim().replaceAll("\\s+", " ").replace("volatile ", "").replace("const ", "");
        Matcher arr = ARRAY.matcher(t);
        if (arr.matches()) {
            String elem = arr.group(1);
            boolean chars = elem.equals("char") || elem.equals("unsigned char") || elem.equals("signed char") || elem.equals("__u8") || elem.equals("u8");
            Field e = chars ? null : field(name, elem, 0, where, maxBytes);
            int n = arrayLength(arr.group(2), chars ? 1 : e.size(), type, where, maxBytes);
            if (chars) return new Field(name, type, offset, n, Field.Kind.CHAR_ARRAY, false, n, null, Map.of(), 0, 0);
            return new Field(name, type, offset, n * e.size(), Field.Kind.ARRAY, false, n, e, Map.of(), 0, 0);
        }
        if (t.equals("bool") || t.equals("_Bool")) return Field.scalar(name, type, offset, 1, Field.Kind.BOOL, false);
        if (t.equals("float")) return Field.scalar(name, type, offset, 4, Field.Kind.FLOAT, true);
        if (t.equals("double")) return Field.scalar(name, type, offset, 8, Field.Kind.FLOAT, true);
        if (t.endsWith("*")) return Field.scalar(name, type, offset, 8, Field.Kind.POINTER, false);
        Object[] s = SCALARS.get(t);
        if (s == null) {
            throw new BpfException(where + ": cannot decode type '" + type + "' without BTF for it");
        }
        return Field.scalar(name, type, offset, (Integer) s[0], Field.Kind.INT, (Boolean) s[1]);
    }

    /** {@code N} of {@code T[N]}, refused when the array would be larger than {@code maxBytes}. */
    private static int arrayLength(String digits, int elementSize, String type, String where, int maxBytes) {
        // ten digits or more cannot be under an int limit: refused before they are parsed
        long n = digits.length() >= 10 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (n > maxBytes / Math.max(1, elementSize)) {
            throw new BpfException(where + " of type " + type + " is larger than the limit of " + maxBytes + " bytes");
        }
        return (int) n;
    }
}
