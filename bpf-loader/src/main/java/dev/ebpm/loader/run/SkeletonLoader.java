package dev.ebpm.loader.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfHubKernel;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.event.Field;
import dev.ebpm.loader.internal.Host;
import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens a package's BPF object, sets its data-section variables (from the command line, else the
 * package's defaults) and loads it: the steps ecli takes before it attaches anything.
 */
final class SkeletonLoader {
    /** A loaded object and its BTF, which the event and histogram layouts come from. */
    record Loaded(BpfObject object, Optional<Btf> btf) {}

    private final String name;
    private final EunomiaPackage pkg;
    private final RunOptions options;
    private final PrintStream notes;

    private SkeletonLoader(String name, EunomiaPackage pkg, RunOptions options, PrintStream notes) {
        this.name = name;
        this.pkg = pkg;
        this.options = options;
        this.notes = notes;
    }

    /** The object is closed again if anything fails. */
    static Loaded load(PackageReader.Decoded decoded, String name, RunOptions options, PrintStream notes) {
        return new SkeletonLoader(name, decoded.pkg(), options, notes).load(decoded.elf());
    }

    private Loaded load(byte[] elf) {
        if (options.verbose() || Boolean.TRUE.equals(pkg.meta.debugVerbose)) LibbpfLog.echo(LibbpfLog.DEBUG);
        Optional<Path> btfFile = options.btf();
        EmbeddedBtf embedded = null;
        if (btfFile.isEmpty() && !KernelSupport.hasKernelBtf()) {
            if (!EmbeddedBtf.has(pkg)) {
                throw new BpfException("this kernel has no BTF at " + KernelSupport.VMLINUX_BTF
                        + "; CO-RE programs need it: pass --btf FILE (or set BTF_FILE_PATH) with a BTF file for this kernel");
            }
            BtfHubKernel kernel = BtfHubKernel.current();
            embedded = EmbeddedBtf.forKernel(pkg.btfArchive, kernel, name);
            btfFile = Optional.of(embedded.file());
            notes.println("ebpm: this kernel has no BTF of its own; using the BTF embedded in the package for " + kernel);
        }
        btfFile.ifPresent(SkeletonLoader::checkBtfFile);
        String objName = pkg.meta.bpfSkel.objName != null ? pkg.meta.bpfSkel.objName : name;
        try (EmbeddedBtf release = embedded) { // libbpf reads it while loading, not after
            BpfObject object = BpfObject.open(elf, objName, btfFile);
            try {
                Optional<Btf> btf = object.rawBtf().map(Btf::parse);
                setVariables(object, btf);
                checkPrograms(object);
                object.load();
                Host.trimFreedMemory(); // the kernel BTF libbpf parsed for the load is freed: let the process shrink
                return new Loaded(object, btf);
            } catch (RuntimeException e) {
                object.close();
                throw e;
            }
        }
    }

    /**
     * The package object's BTF as a load would see it (libbpf's fix-ups applied at open), without loading anything:
     * the event and histogram layouts of a run adopted from its pins.
     */
    static Optional<Btf> btf(PackageReader.Decoded decoded, String name, RunOptions options) {
        String objName = decoded.pkg().meta.bpfSkel.objName != null ? decoded.pkg().meta.bpfSkel.objName : name;
        try (BpfObject object = BpfObject.open(decoded.elf(), objName, options.btf())) {
            return object.rawBtf().map(Btf::parse);
        }
    }

    /** libbpf reads a custom BTF only if a relocation needs it; check it up front so a typo never passes silently. */
    private static void checkBtfFile(Path file) {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) throw new BpfException("BTF file " + file + " is empty");
        } catch (NoSuchFileException e) {
            throw new BpfException("BTF file " + file + " does not exist (from --btf or BTF_FILE_PATH)");
        } catch (IOException e) {
            throw new BpfException("cannot read BTF file " + file + ": " + e.getMessage());
        }
        int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8;
        if (magic != 0xEB9F && magic != 0x9FEB) throw new BpfException(file + " is not a BTF file (bad magic)");
    }

    /** Writes every given or defaulted variable into its section's initial value; unknown names are an error. */
    private void setVariables(BpfObject object, Optional<Btf> btf) {
        Map<String, String> given = options.variables();
        Set<String> known = new HashSet<>();
        for (EunomiaPackage.DataSection section : orEmpty(pkg.meta.bpfSkel.dataSections)) {
            if (section.variables == null) continue;
            BpfMap map = null;
            ByteBuffer data = null;
            for (EunomiaPackage.Variable v : section.variables) {
                known.add(v.name);
                String value = given.get(v.name);
                JsonNode initial = v.value;
                if (value == null && (initial == null || initial.isNull())) continue;
                if (data == null) {
                    map = sectionMap(object, section.name);
                    data = map.initialValue().orElseThrow(() -> new BpfException("section " + section.name + " of " + name + " is not writable"));
                }
                VariableWriter.write(data, variableField(btf, section.name, v), value != null ? value : VariableWriter.text(initial), v.name);
            }
            if (data != null) map.setInitialValue(data.array());
        }
        for (String g : given.keySet()) {
            if (!known.contains(g)) throw new BpfException(name + " has no variable '" + g + "'");
        }
    }

    private BpfMap sectionMap(BpfObject object, String section) {
        for (BpfMap m : object.maps()) {
            if (m.isInternal() && m.name().endsWith(section)) return m; // libbpf names it "<object prefix>.rodata"
        }
        throw new BpfException(name + ": data section " + section + " named in package.json is not in the BPF object");
    }

    private Field variableField(Optional<Btf> btf, String section, EunomiaPackage.Variable v) {
        if (btf.isPresent()) {
            Optional<BtfLayouts.SectionVariable> sv = BtfLayouts.sectionVariable(btf.get(), section, v.name);
            if (sv.isPresent()) return sv.get().field();
        }
        if (v.offset == null) {
            throw new BpfException(name + ": variable '" + v.name + "' has no offset and the object's BTF does not describe " + section);
        }
        return BtfLayouts.variable(section, v.name, v.type, v.offset);
    }

    private void checkPrograms(BpfObject object) {
        for (EunomiaPackage.Prog p : orEmpty(pkg.meta.bpfSkel.progs)) {
            if (p.name != null && object.program(p.name).isEmpty()) {
                throw new BpfException(name + ": program '" + p.name + "' named in package.json is not in the BPF object");
            }
        }
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
