package dev.ebpm.core.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.run.RunException;
import dev.ebpm.pkg.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's files under the runs directory ({@link #runsRoot}), {@code runs/ID/}: the package copy it runs
 * ({@code package/}) and what it runs it with ({@code run.json}: the {@link RunSpec} and each file's SHA-256),
 * {@code events.log} (and {@code events.log.1}), {@code runner.log} (libbpf's log and the daemon's notes about this
 * run), and {@code status.json}, which the daemon rewrites every second. Its pins are {@code /sys/fs/bpf/ebpm/ID/}.
 */
public record RunDirectory(Path dir, String id) {
    public static final Path BPFFS = Path.of("/sys/fs/bpf/ebpm");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What run.json holds. */
    record Stored(RunSpec spec, Map<String, String> sha256) {}

    /** Where a store keeps its runs and its daemon's socket: the one place that says so. */
    public static Path runsRoot(Path storeRoot) {
        return storeRoot.resolve("runs");
    }

    public static RunDirectory of(Path storeRoot, String id) {
        return new RunDirectory(runsRoot(storeRoot).resolve(RunId.require(id)), id);
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
     * Writes the package copy and run.json; returns the path the run is given as PKG (the .skel.json or .wasm).
     * run.json is written last, so a run directory with one holds a complete copy.
     */
    public Path writeCopy(RunSpec spec, PackageCopy copy) {
        Path pkgDir = dir.resolve("package");
        try {
            Files.createDirectories(pkgDir);
            for (Map.Entry<String, byte[]> f : copy.files().entrySet()) AtomicFiles.replace(pkgDir.resolve(f.getKey()), f.getValue());
            AtomicFiles.replace(dir.resolve("run.json"), JSON.writeValueAsBytes(new Stored(spec, copy.sha256())));
        } catch (IOException e) {
            throw new RunException("cannot write the run's package copy under " + pkgDir + ": " + e.getMessage());
        }
        return pkgDir.resolve(copy.mainFile());
    }

    /** The spec and package copy as written at start, every file checked against the SHA-256 recorded then. */
    public Copy readCopy() {
        Path file = dir.resolve("run.json");
        try {
            Stored stored = JSON.readValue(file.toFile(), Stored.class);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (Map.Entry<String, String> f : stored.sha256().entrySet()) {
                byte[] b = Files.readAllBytes(dir.resolve("package").resolve(PackageCopy.checkFileName(f.getKey())));
                if (!PackageCopy.sha256(b).equals(f.getValue())) {
                    throw new RunException("run " + id + ": its package copy " + f.getKey() + " changed since the run was started (SHA-256 "
                            + PackageCopy.sha256(b) + ", recorded " + f.getValue() + "); refused");
                }
                files.put(f.getKey(), b);
            }
            return new Copy(stored.spec(), new PackageCopy(files));
        } catch (NoSuchFileException e) {
            throw new RunException("run " + id + " has no package copy (" + e.getFile() + " is missing)");
        } catch (IOException e) {
            throw new RunException("cannot read run " + id + "'s package copy: " + e.getMessage());
        }
    }

    /** A run's spec and its verified package copy. */
    public record Copy(RunSpec spec, PackageCopy pkg) {}

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

    /** Whether the run's links are pinned: its programs stay attached without a host until a daemon adopts them. */
    public boolean pinned() {
        try (Stream<Path> links = Files.list(pinDirectory().resolve("links"))) {
            return links.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes what the run pinned in bpffs (its programs detach once no process holds them); true if there was something. */
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
