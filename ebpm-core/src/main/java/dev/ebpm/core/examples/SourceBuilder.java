package dev.ebpm.core.examples;

import dev.ebpm.core.session.Session;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.PackageBuilder;
import dev.ebpm.loader.build.WasmAppBuilder;
import dev.ebpm.pkg.InvalidPackageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds package directories from source on use: the embedded examples ({@code examples/NAME/NAME.bpf.c}, or a WASM
 * example's {@code app.c} beside its {@code .bpf.c}, built as {@code ebpm build --wasm} builds it) and any directory
 * given to {@code ebpm run DIR}. A directory is rebuilt when a source is newer than its artifact.
 */
public final class SourceBuilder {
    private final Session session;

    public SourceBuilder(Session session) {
        this.session = session;
    }

    /** Builds the directory's package.json (or app.wasm) unless it is newer than every source file; returns it. */
    public Path buildIfNeeded(Path dir) {
        return needsBuild(dir) ? build(dir) : artifact(dir);
    }

    /** What the directory serves: its app.wasm or package.json (which may not exist yet). */
    public static Path artifact(Path dir) {
        if (isWasmSource(dir) || Files.isRegularFile(dir.resolve("app.wasm"))) return dir.resolve("app.wasm");
        return dir.resolve("package.json");
    }

    /** True if the directory has sources and its artifact is missing or older than one of them. */
    public static boolean needsBuild(Path dir) {
        boolean wasm = isWasmSource(dir);
        if (!wasm && Files.isRegularFile(dir.resolve("app.wasm"))) return false;
        Path out = artifact(dir);
        try (Stream<Path> s = Files.list(dir)) {
            boolean hasSource = false;
            boolean stale = !Files.exists(out);
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                boolean source = n.endsWith(".c") || n.endsWith(".h") || n.equals(PackageBuilder.CONFIG_FILE);
                if (!source) continue;
                hasSource |= wasm || n.endsWith(".bpf.c");
                if (!stale && Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(out)) > 0) stale = true;
            }
            if (!hasSource) {
                if (Files.isRegularFile(out)) return false;
                throw new InvalidPackageException(dir + " has neither a package.json nor a .bpf.c to build one from");
            }
            return stale;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** True if the directory can be built from sources here (a .bpf.c, with or without a WASM app's C program). */
    public static boolean hasSources(Path dir) throws IOException {
        if (isWasmSource(dir)) return true;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".bpf.c"));
        }
    }

    private static boolean isWasmSource(Path dir) {
        return WasmAppBuilder.isWasmApp(dir);
    }

    /** Builds the directory from source, whether or not its artifact looks fresh. */
    public Path build(Path dir) {
        BuildSources sources = BuildSources.of(dir, Optional.empty());
        if (isWasmSource(dir)) {
            session.note("building " + dir.getFileName() + " (WASM) from source...");
            return new WasmAppBuilder().build(sources, BuildOptions.defaults()).app();
        }
        session.note("building " + dir.getFileName() + " from source...");
        return new PackageBuilder().buildPackage(sources, BuildOptions.defaults()).packageJson();
    }
}
