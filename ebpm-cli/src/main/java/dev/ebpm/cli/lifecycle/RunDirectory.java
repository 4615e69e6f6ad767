package dev.ebpm.cli.lifecycle;

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
    static final Path BPFFS = Path.of("/sys/fs/bpf/ebpm");

    public static RunDirectory of(Path storeRoot, String id) {
        return new RunDirectory(storeRoot.resolve("runs").resolve(RunId.require(id)), id);
    }

    static RunDirectory create(Path storeRoot, String id) {
        RunDirectory d = of(storeRoot, id);
        try {
            Files.createDirectories(d.dir.getParent());
            Files.createDirectory(d.dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d.dir, e);
        }
        return d;
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
    boolean removePins() {
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
