package dev.ebpm.loader.event;

import java.util.Map;

/**
 * One member of an exported event struct, resolved to what the decoder needs: where it is, how
 * wide, and how to show it. Built once per run, from BTF or from export_types.
 */
public record Field(
        String name,
        String cType,
        int offset,
        int size,
        Kind kind,
        boolean signed,
        int count,
        Field element,
        Map<Long, String> enumNames,
        int bitOffset,
        int bitSize) {

    public enum Kind { INT, BOOL, CHAR_ARRAY, ENUM, FLOAT, ARRAY, STRUCT, POINTER }

    public static Field scalar(String name, String cType, int offset, int size, Kind kind, boolean signed) {
        return new Field(name, cType, offset, size, kind, signed, 0, null, Map.of(), 0, 0);
    }
}
