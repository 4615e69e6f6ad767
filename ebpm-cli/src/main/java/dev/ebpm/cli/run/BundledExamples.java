package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.PackageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The examples shipped with ebpm (examples/NAME/NAME.bpf.c), found through the
 * {@code ebpm.examples} system property the launcher sets, built on first use.
 */
public final class BundledExamples {
    private BundledExamples() {}

    public static Optional<Path> directory() {
        String dir = System.getProperty("ebpm.examples", System.getenv("EBPM_EXAMPLES"));
        if (dir == null) return Optional.empty();
        Path p = Path.of(dir);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    public static Optional<Path> find(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) return Optional.empty();
        return directory().map(d -> d.resolve(name)).filter(Files::isDirectory);
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        directory().ifPresent(d -> {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(out::add);
            } catch (IOException ignored) {
                // no examples to list
            }
        });
        return out;
    }

    /**
     * Builds the example's package.json (or, for a WASM example with app.c and build.sh, its
     * app.wasm) unless it is newer than every source file.
     */
    public static Path buildIfNeeded(Path dir) {
        return needsBuild(dir) ? build(dir) : artifact(dir);
    }

    /** What the example serves: its app.wasm or package.json (which may not exist yet). */
    public static Path artifact(Path dir) {
        if (isWasmSource(dir) || Files.isRegularFile(dir.resolve("app.wasm"))) return dir.resolve("app.wasm");
        return dir.resolve("package.json");
    }

    /** True if the example has sources and its artifact is missing or older than one of them. */
    public static boolean needsBuild(Path dir) {
        boolean wasm = isWasmSource(dir);
        if (!wasm && Files.isRegularFile(dir.resolve("app.wasm"))) return false;
        Path out = artifact(dir);
        try (Stream<Path> s = Files.list(dir)) {
            boolean hasSource = false;
            boolean stale = !Files.exists(out);
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                boolean source = wasm ? n.endsWith(".c") || n.equals("build.sh") || n.equals("libbpf-wasm.h")
                        : n.endsWith(".bpf.c") || n.endsWith(".h") || n.equals("ebpm-build.json");
                if (!source) continue;
                hasSource |= wasm || n.endsWith(".bpf.c");
                if (!stale && Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(out)) > 0) stale = true;
            }
            if (!hasSource) {
                if (Files.isRegularFile(out)) return false;
                throw new UserError(dir + " has neither a package.json nor a .bpf.c to build one from");
            }
            return stale;
        } catch (IOException e) {
            throw new UserError("cannot read " + dir + ": " + e.getMessage());
        }
    }

    /** True if the example can be built from sources here (a .bpf.c, or app.c with build.sh). */
    public static boolean hasSources(Path dir) {
        if (isWasmSource(dir)) return true;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().endsWith(".bpf.c"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isWasmSource(Path dir) {
        return Files.isRegularFile(dir.resolve("app.c")) && Files.isRegularFile(dir.resolve("build.sh"));
    }

    /** Builds the example from source, whether or not its artifact looks fresh. */
    public static Path build(Path dir) {
        if (isWasmSource(dir)) return buildWasm(dir);
        System.err.println("ebpm: building " + dir.getFileName() + " from source...");
        return new PackageBuilder().build(dir, BuildOptions.defaults());
    }

    private static Path buildWasm(Path dir) {
        Path wasm = dir.resolve("app.wasm");
        try {
            System.err.println("ebpm: building " + dir.getFileName() + " (WASM) from source...");
            Process p = new ProcessBuilder("bash", dir.resolve("build.sh").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new dev.ebpm.loader.build.BuildException("building " + dir.getFileName() + "/app.wasm failed", out, null);
            }
            return wasm;
        } catch (IOException e) {
            throw new UserError("cannot build " + wasm + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while building " + wasm);
        }
    }
}
