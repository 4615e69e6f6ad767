package dev.ebpm.loader.event;

import dev.ebpm.loader.BpfException;
import java.util.List;

/** The decoded shape of one exported event struct. */
public record EventLayout(String name, int size, List<Field> fields) {
    public EventLayout {
        fields = List.copyOf(fields);
        for (Field f : fields) {
            if (f.offset() < 0 || f.offset() + f.size() > size) {
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
