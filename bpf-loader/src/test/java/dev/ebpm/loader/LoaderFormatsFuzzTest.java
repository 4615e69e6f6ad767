package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfException;
import dev.ebpm.loader.elf.ElfException;
import dev.ebpm.loader.elf.ElfFile;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.skeleton.ProgramArguments;
import dev.ebpm.loader.skeleton.SkeletonException;
import dev.ebpm.loader.skeleton.SkeletonGenerator;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the formats bpf-loader reads from packages: eunomia's package.json, ELF objects
 * and BTF. Whatever the bytes, a reader fails only with its own one-line exception ({@link BpfException},
 * {@link ElfException}, {@link BtfException}, {@link SkeletonException}), never another exception, an endless loop or
 * an allocation the size of a fuzzed number; what it accepts can be used (layouts, C names, sizes, options). A plain
 * build replays the committed seeds ({@code LoaderFormatsFuzzTestInputs/}); {@code scripts/fuzz.sh} fuzzes.
 */
class LoaderFormatsFuzzTest {
    @FuzzTest(maxDuration = "12s")
    void packageJson(byte[] json) {
        PackageReader.Decoded d;
        try {
            d = PackageReader.read(json, "package.json");
        } catch (BpfException e) {
            assertOneLine(e);
            return;
        }
        // what run --help and the event decoder do with an accepted package
        try {
            new ProgramArguments(d.pkg(), "fuzz").usage(null);
            for (EunomiaPackage.ExportType t : d.pkg().meta.exportTypes) BtfLayouts.exportType(t, Optional.empty());
        } catch (BpfException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "12s")
    void elf(byte[] object) {
        ElfFile elf;
        try {
            elf = ElfFile.parse(object);
        } catch (ElfException e) {
            assertOneLine(e);
            return;
        }
        for (ElfFile.Section s : elf.sections()) elf.section(s.name());
        try {
            // what `ebpm run x.bpf.o` does with an object: its BTF, then a skeleton from both
            SkeletonGenerator.fromObject(object, "fuzz", Optional.empty());
        } catch (SkeletonException | BpfException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "12s")
    void btf(byte[] blob) {
        Btf btf;
        try {
            btf = Btf.parse(blob);
        } catch (BtfException e) {
            assertOneLine(e);
            return;
        }
        for (int id = 0; id < btf.typeCount(); id++) {
            try {
                btf.cName(id);
                btf.sizeOf(id);
                btf.resolve(id);
            } catch (BtfException e) {
                assertOneLine(e);
            }
        }
    }

    static void assertOneLine(RuntimeException e) {
        String m = e.getMessage();
        assertFalse(m == null || m.isBlank() || m.contains("\n"), "a one-line message: " + m);
    }
}
