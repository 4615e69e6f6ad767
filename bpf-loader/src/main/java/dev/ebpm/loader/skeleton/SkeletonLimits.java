package dev.ebpm.loader.skeleton;

import dev.ebpm.loader.BpfException;
import java.util.List;

/**
 * What a package.json may declare, checked once when it is read so that nothing downstream (the runner, the event
 * decoder, {@code run --help}) meets a count, size or offset it cannot hold: every list is bounded, every size and
 * offset is within range and a member lies inside its struct (checked in {@code long}, so no sum overflows). The limits
 * are far above what eunomia's tools or ebpm build write.
 */
public final class SkeletonLimits {
    public static final int MAX_PROGRAMS = 1024;
    public static final int MAX_MAPS = 1024;
    public static final int MAX_DATA_SECTIONS = 64;
    public static final int MAX_VARIABLES = 4096;
    public static final int MAX_EXPORT_TYPES = 64;
    public static final int MAX_MEMBERS = 1024;
    /** Largest event struct: ring buffer records are bounded by the ring, perf samples by 64 KiB. */
    public static final int MAX_EVENT_SIZE = 1 << 20;
    /** Largest variable offset or size: a data section is one map value. */
    public static final int MAX_SECTION_SIZE = 1 << 30;
    public static final int MAX_NAME = 256;
    public static final int MAX_TEXT = 4096;

    private SkeletonLimits() {}

    /** Refuses, naming the field, anything past the limits. */
    static void check(EunomiaPackage pkg, String origin) {
        EunomiaPackage.Meta meta = pkg.meta;
        if (meta == null) return;
        EunomiaPackage.BpfSkel skel = meta.bpfSkel;
        if (skel != null) {
            count(origin, "meta.bpf_skel.progs", skel.progs, MAX_PROGRAMS);
            count(origin, "meta.bpf_skel.maps", skel.maps, MAX_MAPS);
            count(origin, "meta.bpf_skel.data_sections", skel.dataSections, MAX_DATA_SECTIONS);
            name(origin, "meta.bpf_skel.obj_name", skel.objName);
            for (EunomiaPackage.Prog p : orEmpty(skel.progs)) {
                if (p == null) throw new BpfException(origin + ": meta.bpf_skel.progs holds a null");
                name(origin, "program name", p.name);
                name(origin, "program '" + p.name + "' attach", p.attach);
            }
            for (EunomiaPackage.MapMeta m : orEmpty(skel.maps)) {
                if (m == null) throw new BpfException(origin + ": meta.bpf_skel.maps holds a null");
                name(origin, "map ident", m.ident);
                name(origin, "map name", m.name);
            }
            for (EunomiaPackage.DataSection s : orEmpty(skel.dataSections)) {
                if (s == null) throw new BpfException(origin + ": meta.bpf_skel.data_sections holds a null");
                name(origin, "data section name", s.name);
                count(origin, "data section " + s.name + " variables", s.variables, MAX_VARIABLES);
                for (EunomiaPackage.Variable v : orEmpty(s.variables)) variable(origin, s.name, v);
            }
            if (skel.doc != null) {
                text(origin, "meta.bpf_skel.doc.brief", skel.doc.brief);
                text(origin, "meta.bpf_skel.doc.details", skel.doc.details);
                text(origin, "meta.bpf_skel.doc.description", skel.doc.description);
            }
        }
        count(origin, "meta.export_types", meta.exportTypes, MAX_EXPORT_TYPES);
        for (EunomiaPackage.ExportType t : orEmpty(meta.exportTypes)) exportType(origin, t);
    }

    private static void variable(String origin, String section, EunomiaPackage.Variable v) {
        if (v == null) throw new BpfException(origin + ": data section " + section + " holds a null variable");
        String where = "variable '" + v.name + "'";
        name(origin, where + " name", v.name);
        name(origin, where + " type", v.type);
        range(origin, where + " offset", v.offset, MAX_SECTION_SIZE);
        range(origin, where + " size", v.size, MAX_SECTION_SIZE);
        text(origin, where + " description", v.description);
        if (v.cmdarg != null) text(origin, where + " cmdarg.help", v.cmdarg.help);
    }

    private static void exportType(String origin, EunomiaPackage.ExportType t) {
        if (t == null) throw new BpfException(origin + ": meta.export_types holds a null");
        String where = "export type '" + t.name + "'";
        name(origin, where + " name", t.name);
        count(origin, where + " members", t.members, MAX_MEMBERS);
        range(origin, where + " size", t.size, MAX_EVENT_SIZE);
        for (EunomiaPackage.Member m : orEmpty(t.members)) {
            if (m == null) throw new BpfException(origin + ": " + where + " holds a null member");
            String member = where + " member '" + m.name + "'";
            name(origin, member + " name", m.name);
            name(origin, member + " type", m.type);
            range(origin, member + " offset", m.offset, MAX_EVENT_SIZE);
            range(origin, member + " size", m.size, MAX_EVENT_SIZE);
            if (t.size != null && m.size != null) {
                long end = (long) (m.offset == null ? 0 : m.offset) + m.size;
                if (end > t.size) {
                    throw new BpfException(origin + ": " + member + " (offset " + (m.offset == null ? 0 : m.offset) + ", size " + m.size
                            + ") lies outside the " + t.size + "-byte struct");
                }
            }
        }
    }

    private static void count(String origin, String what, List<?> list, int max) {
        if (list != null && list.size() > max) {
            throw new BpfException(origin + ": " + what + " has " + list.size() + " entries, more than the limit of " + max);
        }
    }

    private static void range(String origin, String what, Integer value, int max) {
        if (value != null && (value < 0 || value > max)) {
            throw new BpfException(origin + ": " + what + " is " + value + ", outside 0.." + max);
        }
    }

    private static void name(String origin, String what, String s) {
        if (s != null && s.length() > MAX_NAME) {
            throw new BpfException(origin + ": " + what + " is " + s.length() + " characters long, more than the limit of " + MAX_NAME);
        }
    }

    private static void text(String origin, String what, String s) {
        if (s != null && s.length() > MAX_TEXT) {
            throw new BpfException(origin + ": " + what + " is " + s.length() + " characters long, more than the limit of " + MAX_TEXT);
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
