package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run's files under the store, {@code runs/ID/}: {@code events.log} (and {@code events.log.1}), the runner's
 * stderr {@code runner.log}, and {@code status.json}, which the runner rewrites every second. Its bpffs
 * directory, if it ever pins anything, is {@code /sys/fs/bpf/ebpm/ID}.
 */
public record RunDirectory(Path dir, String id) {
    public static final Path BPFFS = Path.of("/sys/fs/bpf/ebpm");

    public static RunDirectory of(Path storeRoot, String id) {
        return new RunDirectory(storeRoot.resolve("runs").resolve(RunId.require(id)), id);
    }

    public static RunDirectory create(Path storeRoot, String id) {
        RunDirectory d = of(storeRoot, id);
        try {
            Files.createDirectories(d.dir.getParent());
            Files.createDirectory(d.dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d.dir, e);
        }
        return d;
    }

    /**
     * Writes the package exactly as the CLI located and verified it into this run's directory, so
     * the runner loads those bytes and not whatever the name resolves to a moment later. Returns the
     * path the runner is given as PKG: NAME.skel.json beside NAME.bpf.o, or NAME.wasm.
     */
    public Path pin(dev.ebpm.core.run.RunnablePackage located) {
        String stem = located.name().replaceAll("[^A-Za-z0-9_-]", "_");
        Path pkgDir = dir.resolve("package");
        try {
            java.nio.file.Files.createDirectories(pkgDir);
            if (located.isWasm()) {
                Path wasm = pkgDir.resolve(stem + ".wasm");
                java.nio.file.Files.write(wasm, located.wasm());
                return wasm;
            }
            java.nio.file.Files.write(pkgDir.resolve(stem + ".bpf.o"), located.bpf().elf());
            Path skel = pkgDir.resolve(stem + ".skel.json");
            java.nio.file.Files.write(skel, dev.ebpm.loader.skeleton.PackageReader.JSON.writeValueAsBytes(located.bpf().pkg().meta));
            return skel;
        } catch (java.io.IOException e) {
            throw new RunException("cannot write the run's package copy under " + pkgDir + ": " + e.getMessage());
        }
    }

    public Path events() {
        return dir.resolve("events.log");
    }

    public Path runnerLog() {
        return dir.resolve("runner.log");
    }

    public Path status() {
        return dir.resolve("status.json");
    }

    public Path pinDirectory() {
        return BPFFS.resolve(id);
    }

    /** Removes what the run pinned in bpffs; true if there was something. */
    public boolean removePins() {
        Path pins = pinDirectory();
        if (!Files.exists(pins)) return false;
        try (Stream<Path> s = Files.walk(pins)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + pins, e);
        }
        return true;
    }
}
