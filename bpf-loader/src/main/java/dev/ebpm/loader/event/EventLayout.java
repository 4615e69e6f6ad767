package dev.ebpm.loader.event;

import dev.ebpm.loader.BpfException;
import java.util.List;

/** The decoded shape of one exported event struct. */
public record EventLayout(String name, int size, List<Field> fields) {
    /** Largest event struct decoded (the limit package.json is read with). */
    public static final int MAX_SIZE = dev.ebpm.loader.skeleton.SkeletonLimits.MAX_EVENT_SIZE;

    public EventLayout {
        fields = List.copyOf(fields);
        if (size < 0 || size > MAX_SIZE) {
            throw new BpfException("export type '" + name + "' is " + size + " bytes; events are decoded up to " + MAX_SIZE + " bytes");
        }
        for (Field f : fields) {
            if (f.offset() < 0 || f.size() < 0 || (long) f.offset() + f.size() > size) {
                throw new BpfException("export type '" + name + "': member '" + f.name() + "' at offset "
                        + f.offset() + " (size " + f.size() + ") lies outside the " + size + "-byte struct");
            }
        }
    }

    /** The position of member {@code fieldName} in {@link #fields()}, or -1. */
    public int indexOf(String fieldName) {
        for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(fieldName)) return i;
        return -1;
    }
}
