package dev.ebpm.loader.build;

import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfKind;
import dev.ebpm.loader.btf.BtfType;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import java.util.ArrayList;
import java.util.List;

/**
 * The ring and perf buffer maps an object declares, read from its BTF ({@code __uint(type, ...)} is a pointer to an
 * array as long as the map type). The runner prints what they carry with the package's first export type, so a
 * package that has such a map and no export type could never run: the build says so instead.
 */
final class EventMaps {
    private EventMaps() {}

    static void requireExportTypes(byte[] elf, EunomiaPackage pkg, BuildSources src) {
        if (!pkg.meta.exportTypes.isEmpty()) return;
        List<String> streams = streamingMaps(Btf.fromElf(elf));
        if (streams.isEmpty()) return;
        String header = src.name() + ".h";
        throw new BuildException(src.source().getFileName() + ": map '" + streams.get(0) + "' streams events but no event type is exported:"
                + " declare the event struct in " + header + " beside it (ecc's convention; or name a header: ebpm build "
                + src.source().getFileName() + " EVENT.h), or list it in " + PackageBuilder.CONFIG_FILE + "'s export_types");
    }

    /** Names of the BTF-defined maps of type ring buffer or perf event array, in declaration order. */
    static List<String> streamingMaps(Btf btf) {
        List<String> names = new ArrayList<>();
        var maps = btf.findByName(".maps", BtfKind.DATASEC);
        if (maps.isEmpty()) return names;
        for (BtfType.VarSecInfo info : ((BtfType.Datasec) btf.type(maps.getAsInt())).vars()) {
            if (!(btf.type(info.type()) instanceof BtfType.Var var)) continue;
            if (!(btf.resolve(var.type()) instanceof BtfType.Composite def)) continue;
            for (BtfType.Member m : def.members()) {
                if (!m.name().equals("type")) continue;
                if (btf.resolve(m.type()) instanceof BtfType.Ptr p && btf.resolve(p.type()) instanceof BtfType.Array a
                        && (a.nelems() == BpfMap.TYPE_RINGBUF || a.nelems() == BpfMap.TYPE_PERF_EVENT_ARRAY)) {
                    names.add(var.name());
                }
            }
        }
        return names;
    }
}
