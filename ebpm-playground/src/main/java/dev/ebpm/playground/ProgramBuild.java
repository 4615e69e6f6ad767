package dev.ebpm.playground;

import dev.ebpm.loader.build.BuildException;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.PackageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Build button: what {@code ebpm build DIR} runs ({@link PackageBuilder#buildPackage(BuildSources, BuildOptions)},
 * the entry point of the CLI's build command), over the page's files written into the playground's own directory.
 * The generated vmlinux.h stays in the output directory between builds (regenerated only when the kernel's BTF
 * changes), so a build after the first costs clang's time alone. Builds run one at a time.
 */
final class ProgramBuild {
    /**
     * What a build gave.
     *
     * @param packageJson the built package, when it succeeded
     * @param toolOutput  what clang printed (errors and warnings), as it printed it
     */
    record Outcome(boolean ok, String message, List<Diagnostic> diagnostics, String toolOutput, byte[] packageJson, long millis) {}

    private final Path sourceDir;
    private final Path outputDir;
    private ProgramFiles lastBuilt;
    private Outcome lastOutcome;

    ProgramBuild(Path workDir) throws IOException {
        this.sourceDir = Files.createDirectories(workDir.resolve("src"));
        this.outputDir = Files.createDirectories(workDir.resolve("out"));
    }

    /** Builds the files, or answers the last outcome again if they are the same files. */
    synchronized Outcome build(ProgramFiles program) {
        if (program.equals(lastBuilt)) return lastOutcome;
        long start = System.nanoTime();
        Outcome o;
        try {
            clear(sourceDir);
            program.writeTo(sourceDir);
            Files.deleteIfExists(outputDir.resolve(PackageBuilder.PACKAGE_FILE));
            PackageBuilder.Result r = new PackageBuilder().buildPackage(BuildSources.of(sourceDir, Optional.empty()),
                    BuildOptions.defaults().withOutputDir(outputDir).withPackageJson(outputDir.resolve(PackageBuilder.PACKAGE_FILE)));
            byte[] json = Files.readAllBytes(r.packageJson());
            long ms = (System.nanoTime() - start) / 1_000_000;
            int programs = r.pkg().meta.bpfSkel.progs.size();
            o = new Outcome(true, "built " + program.name() + ": " + programs + (programs == 1 ? " program, " : " programs, ")
                    + json.length + " bytes of package.json in " + ms + " ms", List.of(), "", json, ms);
        } catch (BuildException e) {
            String out = e.toolOutput();
            o = new Outcome(false, e.getMessage(), Diagnostic.parse(out, sourceDir.toString()), out, null, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new PlaygroundException("cannot write the sources into " + sourceDir + ": " + e.getMessage(), e);
        }
        lastBuilt = program;
        lastOutcome = o;
        return o;
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
        }
    }
}
