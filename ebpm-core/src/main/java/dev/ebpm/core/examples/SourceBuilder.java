package dev.ebpm.core.examples;

import dev.ebpm.core.session.Directories;
import dev.ebpm.core.session.Reporter;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.PackageBuilder;
import dev.ebpm.loader.build.WasmAppBuilder;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Builds package directories from source on use: the embedded examples ({@code examples/NAME/NAME.bpf.c}, or a WASM
 * example's C program beside its {@code .bpf.c}, built as {@code ebpm build --wasm} builds it) and any directory given
 * to run, install, pack or publish. It never
 * writes into the directory: a build goes to the user's cache, {@code <cache>/builds/NAME-<12 hex of the directory's
 * path>/}, and is reused while the sources it was made from (their names and bytes, {@value #STAMP}) are unchanged. A
 * build directory is locked while it is checked, built and signed, so two ebpm processes never build it at once.
 */
public final class SourceBuilder {
    /** The digest of the sources a cached build was made from, beside its artifact. */
    static final String STAMP = "sources.sha256";
    private static final String LOCK = ".lock";

    private final Reporter reporter;
    private final Path buildsDir;

    public SourceBuilder(Reporter reporter, Directories directories) {
        this.reporter = reporter;
        this.buildsDir = directories.cache().resolve("builds");
    }

    public SourceBuilder(Session session) {
        this(session.settings().reporter(), session.settings().directories());
    }

    /** A directory's build in the cache, locked for as long as a {@link #withBuild} callback runs. */
    public interface CachedBuild {
        /** The built package.json or app.wasm. */
        Path artifact();

        /** True if this process built it (rather than finding it built from the same sources). */
        boolean madeNow();

        /** Builds it again from source, whatever the stamp says; returns the new artifact. */
        Path rebuild();
    }

    /**
     * What run, install, pack and publish use of a directory: its own package.json or app.wasm when it has no sources,
     * or when that artifact is newer than every source (the user built it); else a build in the cache.
     */
    public Path artifactFor(Path dir) {
        Path own = ownArtifact(dir);
        if (!hasSources(dir)) {
            if (Files.isRegularFile(own)) return own;
            throw new InvalidPackageException(dir + " has neither a package.json nor a .bpf.c to build one from");
        }
        if (isNewerThanSources(own, dir)) return own;
        return build(dir);
    }

    /** The directory built in the cache (from source unless its build there was made from the same sources). */
    public Path build(Path dir) {
        return withBuild(dir, CachedBuild::artifact);
    }

    /**
     * Runs {@code work} on the directory's cached build, made first if it is missing or was made from other sources,
     * with the build directory locked against other processes (the examples signer signs inside).
     */
    public <T> T withBuild(Path dir, Function<CachedBuild, T> work) {
        synchronized (SourceBuilder.class) { // one FileLock per JVM: threads queue here
            Path out = buildDirectory(dir);
            try {
                Files.createDirectories(out);
                try (FileChannel ch = FileChannel.open(out.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    String sources = sourcesDigest(dir);
                    Path artifact = out.resolve(ownArtifact(dir).getFileName());
                    boolean made = false;
                    if (!Files.isRegularFile(artifact) || !sources.equals(stamp(out))) {
                        artifact = buildInto(dir, out, sources);
                        made = true;
                    }
                    Path built = artifact;
                    boolean madeNow = made;
                    return work.apply(new CachedBuild() {
                        @Override
                        public Path artifact() {
                            return built;
                        }

                        @Override
                        public boolean madeNow() {
                            return madeNow;
                        }

                        @Override
                        public Path rebuild() {
                            return buildInto(dir, out, sources);
                        }
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use the build directory " + out, e);
            }
        }
    }

    /**
     * Packs a package directory (its ebpm.json template and files) into {@code outDir}, with the artifact
     * {@link #artifactFor} gives when the directory has sources: a fresh build stands in for a stale one, and nothing
     * in the directory is written.
     */
    public Path pack(Path dir, Path outDir) throws IOException {
        return PackageArchive.pack(dir, builtFiles(dir), outDir);
    }

    /** The manifest {@link #pack} would write for the directory (what {@code ebpm info DIR} shows). */
    public PackageManifest manifest(Path dir) throws IOException {
        return PackageManifest.forDirectory(dir, builtFiles(dir));
    }

    /** What a build adds to a package directory with an ebpm.json: its artifact from the cache (package path → file), if any. */
    private Map<String, Path> builtFiles(Path dir) {
        if (!Files.isRegularFile(dir.resolve(PackageManifest.FILE_NAME)) || !hasSources(dir)) return Map.of();
        Path artifact = artifactFor(dir);
        return artifact.getParent().equals(dir) ? Map.of() : Map.of(artifact.getFileName().toString(), artifact);
    }

    /** Where the directory's builds go: one per source directory, so two checkouts never share one. */
    Path buildDirectory(Path dir) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        String id = Digests.sha256Hex(real.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return buildsDir.resolve((real.getFileName() == null ? "root" : real.getFileName().toString()) + "-" + id);
    }

    /** The artifact a directory serves of its own: its app.wasm (a WASM app) or package.json, which may not exist. */
    public static Path ownArtifact(Path dir) {
        if (isWasmSource(dir) || Files.isRegularFile(dir.resolve("app.wasm"))) return dir.resolve("app.wasm");
        return dir.resolve(PackageBuilder.PACKAGE_FILE);
    }

    /** True if the directory can be built from sources here: a .bpf.c, with or without a WASM app's C program (an app.wasm alone is not). */
    public static boolean hasSources(Path dir) {
        if (isWasmSource(dir)) return true;
        if (Files.isRegularFile(dir.resolve("app.wasm"))) return false;
        return !sources(dir).isEmpty();
    }

    private static boolean isWasmSource(Path dir) {
        return WasmAppBuilder.isWasmApp(dir);
    }

    /** The files a build reads from the directory, sorted: what its stamp covers. */
    private static List<Path> sources(Path dir) {
        boolean wasm = isWasmSource(dir);
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(Files::isRegularFile).sorted().toList();
            boolean hasBpf = all.stream().anyMatch(f -> f.getFileName().toString().endsWith(PackageBuilder.SOURCE_SUFFIX));
            if (!wasm && !hasBpf) return List.of();
            return all.stream().filter(f -> {
                String n = f.getFileName().toString();
                return (wasm ? n.endsWith(".c") : n.endsWith(PackageBuilder.SOURCE_SUFFIX))
                        || n.endsWith(".h") || n.equals(PackageBuilder.CONFIG_FILE);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    private static boolean isNewerThanSources(Path artifact, Path dir) {
        try {
            if (!Files.isRegularFile(artifact)) return false;
            for (Path f : sources(dir)) {
                if (Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(artifact)) > 0) return false;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** SHA-256 over each source's name and bytes, in name order. */
    static String sourcesDigest(Path dir) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            for (Path f : sources(dir)) {
                all.write((f.getFileName() + "\0" + Digests.sha256Hex(f) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return Digests.sha256Hex(all.toByteArray());
    }

    private static String stamp(Path out) {
        try {
            Path f = out.resolve(STAMP);
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            return ""; // unreadable: build again
        }
    }

    private Path buildInto(Path dir, Path out, String sources) {
        try {
            // the stamp goes first: a build that fails halfway leaves no stamp saying these sources are built
            Files.deleteIfExists(out.resolve(STAMP));
            Path artifact = isWasmSource(dir) ? buildWasm(dir, out) : buildBpf(dir, out);
            AtomicFiles.replace(out.resolve(STAMP), (sources + "\n").getBytes(StandardCharsets.UTF_8));
            return artifact;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve(STAMP), e);
        }
    }

    private Path buildBpf(Path dir, Path out) {
        reporter.note("building " + dir.getFileName() + " from source...");
        Path packageJson = out.resolve(PackageBuilder.PACKAGE_FILE);
        return new PackageBuilder().build(dir, BuildOptions.defaults().withOutputDir(out.resolve(PackageBuilder.OUTPUT_DIR))
                .withPackageJson(packageJson));
    }

    private Path buildWasm(Path dir, Path out) {
        reporter.note("building " + dir.getFileName() + " (WASM) from source...");
        // the object, package.json, NAME.skel.h and app.wasm all go to OUT
        return new WasmAppBuilder().build(BuildSources.of(dir, Optional.empty()), BuildOptions.defaults().withOutputDir(out)).app();
    }
}
