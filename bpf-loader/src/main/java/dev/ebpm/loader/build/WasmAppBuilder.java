package dev.ebpm.loader.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ebpm build --wasm}: a WebAssembly app around a BPF package, as ecc's gen-wasm-skel and build-wasm make one.
 * The package is built first (its package.json goes to the output directory), then {@code NAME.skel.h}
 * ({@link WasmSkeleton}: the object and that package.json, embedded) and ebpm's {@code libbpf-wasm.h} are written
 * beside it, and the directory's C program (every {@code *.c} that is not the {@code .bpf.c}) is compiled and linked
 * with the host's clang for wasm32-wasi against Debian's wasi-libc, with lld, into {@code app.wasm}.
 */
public final class WasmAppBuilder {
    public static final String APP_FILE = "app.wasm";
    static final String GUEST_HEADER = "libbpf-wasm.h";
    private static final List<Path> SYSROOTS = List.of(Path.of("/usr/share/wasi-sysroot"), Path.of("/usr"));

    /** What a WASM build made: the package (whose package.json is embedded in the app) and the app. */
    public record Built(PackageBuilder.Result pkg, Path app) {}

    /** True if {@code dir} is a WASM app's sources: a {@code .bpf.c} and a C program beside it. */
    public static boolean isWasmApp(Path dir) {
        try {
            return Files.isDirectory(dir) && hasBpfSource(dir) && !appSources(dir).isEmpty();
        } catch (BuildException e) {
            return false;
        }
    }

    public Built build(BuildSources src, BuildOptions options) {
        Path outDir = options.outputDir().map(p -> p.toAbsolutePath().normalize()).orElse(src.dir().resolve(PackageBuilder.OUTPUT_DIR));
        // package.json is an intermediate here: the app carries it
        BuildOptions pkgOptions = options.packageJson().isPresent() ? options : options.withPackageJson(outDir.resolve(PackageBuilder.PACKAGE_FILE));
        PackageBuilder.Result pkg = new PackageBuilder().buildPackage(src, pkgOptions.withOutputDir(outDir));
        List<Path> sources = appSources(src.dir());
        if (sources.isEmpty()) {
            throw new BuildException("no C program for the WASM app in " + src.dir() + ": write app.c beside " + src.source().getFileName()
                    + " (ebpm init --wasm NAME makes one)");
        }
        try {
            String json = Files.readString(pkg.packageJson(), StandardCharsets.UTF_8);
            byte[] elf = Files.readAllBytes(pkg.object());
            String skeleton = WasmSkeleton.generate(src.name(), pkg.pkg(), elf, json);
            Files.writeString(outDir.resolve(src.name().replace('-', '_') + ".skel.h"), skeleton, StandardCharsets.UTF_8);
            try (InputStream in = WasmAppBuilder.class.getResourceAsStream("/wasm-bpf/" + GUEST_HEADER)) {
                if (in == null) throw new BuildException(GUEST_HEADER + " is missing from this build of ebpm");
                Files.copy(in, outDir.resolve(GUEST_HEADER), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BuildException("cannot write the WASM skeleton to " + outDir + ": " + e.getMessage(), e);
        }
        Path app = options.outputDir().map(o -> o.toAbsolutePath().normalize().resolve(APP_FILE)).orElse(src.dir().resolve(APP_FILE));
        link(sources, outDir, src.dir(), app);
        return new Built(pkg, app);
    }

    private static void link(List<Path> sources, Path outDir, Path dir, Path app) {
        HostTool clang = HostTool.require("clang", "clang", "to compile the WASM app");
        Path sysroot = sysroot();
        Path tmp;
        try {
            Files.createDirectories(app.getParent());
            tmp = Files.createTempFile(app.getParent(), ".app", ".wasm.tmp");
        } catch (IOException e) {
            throw new BuildException("cannot write " + app + ": " + e.getMessage(), e);
        }
        try {
            List<String> args = new ArrayList<>(List.of("--target=wasm32-wasi", "--sysroot=" + sysroot, "-O2",
                    "-I" + outDir, "-I" + dir,
                    // the host calls the guest's callbacks through its function table
                    "-Wl,--export-table", "-Wl,--strip-debug", "-o", tmp.toString()));
            sources.forEach(s -> args.add(s.toString()));
            HostTool.Result r = clang.run(args, dir);
            if (!r.ok()) {
                throw new BuildException("clang failed to build " + app.getFileName() + " (exit " + r.exitCode() + ")" + hint(r.output()),
                        r.output(), null);
            }
            Files.move(tmp, app, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BuildException("cannot write " + app + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file beside app.wasm is harmless
            }
        }
    }

    private static String hint(String output) {
        if (output.contains("wasm-ld")) return "; the WebAssembly linker comes with the Debian package 'lld'";
        if (output.contains("libclang_rt.builtins-wasm32")) return "; clang's wasm32 runtime comes with the Debian package 'libclang-rt-14-dev-wasm32'";
        return "";
    }

    /** $WASI_SYSROOT, else wasi-sdk's layout, else Debian's wasi-libc (headers in /usr/include/wasm32-wasi). */
    static Path sysroot() {
        String env = System.getenv("WASI_SYSROOT");
        if (env != null && !env.isBlank()) return Path.of(env);
        for (Path root : SYSROOTS) {
            boolean headers = Files.isRegularFile(root.resolve("include/wasm32-wasi/stdio.h")) || Files.isRegularFile(root.resolve("include/stdio.h"));
            if (headers && Files.isRegularFile(root.resolve("lib/wasm32-wasi/libc.a"))) return root;
        }
        throw new BuildException("no WASI sysroot (wasi-libc) found: install the Debian package 'wasi-libc', or set WASI_SYSROOT");
    }

    /** The app's C files: every {@code *.c} in {@code dir} but the {@code .bpf.c}. */
    static List<Path> appSources(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".c") && !n.endsWith(BuildSources.SOURCE_SUFFIX) && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new BuildException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasBpfSource(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(BuildSources.SOURCE_SUFFIX));
        } catch (IOException e) {
            return false;
        }
    }
}
