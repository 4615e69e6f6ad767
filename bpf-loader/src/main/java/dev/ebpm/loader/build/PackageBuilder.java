package dev.ebpm.loader.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageWriter;
import dev.ebpm.loader.skeleton.SkeletonException;
import dev.ebpm.loader.skeleton.SkeletonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code ebpm build}: what eunomia's ecc does, with the host's clang. Compiles the directory's one
 * {@code *.bpf.c} against a generated vmlinux.h, then writes eunomia's package.json from the object,
 * the source's {@code ///} comments and an optional {@code ebpm-build.json}.
 */
public final class PackageBuilder {
    public static final String SOURCE_SUFFIX = BuildSources.SOURCE_SUFFIX;
    public static final String CONFIG_FILE = "ebpm-build.json";
    public static final String OUTPUT_DIR = ".output";
    public static final String PACKAGE_FILE = "package.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a build produced. */
    public record Result(Path packageJson, Path object, EunomiaPackage pkg) {}

    public Path build(Path dir, BuildOptions options) {
        return buildPackage(dir, options).packageJson();
    }

    public Result buildPackage(Path packageDir, BuildOptions options) {
        return buildPackage(BuildSources.of(packageDir, Optional.empty()), options);
    }

    public Result buildPackage(BuildSources src, BuildOptions options) {
        Path dir = src.dir();
        Path source = src.source();
        String fileName = source.getFileName().toString();
        String name = src.name();
        Path outDir = options.outputDir().map(p -> p.toAbsolutePath().normalize()).orElse(dir.resolve(OUTPUT_DIR));
        Path object = outDir.resolve(name + ".bpf.o");
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new BuildException("cannot create output directory " + outDir + ": " + e.getMessage(), e);
        }

        HostTool clang = HostTool.require("clang", "clang", "to compile " + fileName);
        // a vmlinux.h next to the source wins (quote includes look there first); else generate one
        Path includeDir = Files.isRegularFile(dir.resolve(VmlinuxHeader.FILE_NAME))
                ? dir : VmlinuxHeader.ensure(options.btfFile(), outDir).getParent();
        compile(clang, source, object, includeDir, options.cflags(), src.eventHeader().map(EventHeader::markers));
        HostTool.find("llvm-strip").ifPresent(strip -> {
            // drop DWARF, keep .BTF: what ecc ships, a fraction of the size
            HostTool.Result r = strip.run(List.of("-g", object.toString()), dir);
            if (!r.ok()) {
                throw new BuildException("llvm-strip -g failed on " + object + " (exit " + r.exitCode() + ")", r.output(), null);
            }
        });

        Optional<JsonNode> config = readConfig(dir.resolve(CONFIG_FILE));
        JsonNode docs;
        try {
            docs = SourceDocs.parse(Files.readString(source, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BuildException("cannot read " + source + ": " + e.getMessage(), e);
        }
        EunomiaPackage pkg;
        Path packageJson = options.packageJson().orElse(dir.resolve(PACKAGE_FILE));
        try {
            byte[] elf = Files.readAllBytes(object);
            pkg = SkeletonGenerator.fromObject(elf, name, config, Optional.of(docs));
            EventMaps.requireExportTypes(elf, pkg, src);
            PackageWriter.write(pkg, packageJson);
        } catch (SkeletonException e) {
            throw new BuildException(e.getMessage(), e);
        } catch (IOException e) {
            throw new BuildException("cannot write " + packageJson + ": " + e.getMessage(), e);
        }
        return new Result(packageJson, object, pkg);
    }

    /**
     * {@code appended}: text compiled after the source (an event header's markers, as ecc appends them); both go to
     * clang on stdin behind a #line, so that diagnostics and debug info still name the source file.
     */
    private static void compile(HostTool clang, Path source, Path object, Path includeDir, List<String> cflags,
                                Optional<String> appended) {
        List<String> args = new ArrayList<>(List.of("-target", "bpf", "-g", "-O2", "-D__TARGET_ARCH_" + targetArch(),
                "-I" + includeDir));
        multiarchInclude().ifPresent(p -> args.add("-I" + p));
        args.addAll(cflags);
        Optional<byte[]> stdin = appended.map(text -> withAppended(source, text));
        if (stdin.isPresent()) {
            args.addAll(List.of("-I" + source.getParent(), "-x", "c", "-c", "-", "-o", object.toString()));
        } else {
            args.addAll(List.of("-c", source.toString(), "-o", object.toString()));
        }
        HostTool.Result r = clang.run(args, source.toAbsolutePath().getParent(), stdin);
        if (!r.ok()) {
            String hint = r.output().contains("bpf/bpf_helpers.h' file not found")
                    ? "; bpf/bpf_helpers.h comes with the Debian package 'libbpf-dev'" : "";
            throw new BuildException("clang failed to compile " + source.getFileName() + " (exit " + r.exitCode() + ")" + hint,
                    r.output(), null);
        }
    }

    private static byte[] withAppended(Path source, String appended) {
        try {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            String quoted = source.toString().replace("\\", "\\\\").replace("\"", "\\\"");
            return ("#line 1 \"" + quoted + "\"\n" + text + (text.endsWith("\n") ? "" : "\n") + appended)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** libbpf's __TARGET_ARCH_ name for the JVM's os.arch (bpf_tracing.h needs it for PT_REGS). */
    public static String targetArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x86", "i386", "i686" -> "x86";
            case "aarch64", "arm64" -> "arm64";
            case "arm", "armv7l" -> "arm";
            case "ppc64le", "ppc64", "powerpc64le" -> "powerpc";
            case "s390x" -> "s390";
            case "riscv64" -> "riscv";
            case "loongarch64" -> "loongarch";
            case "mips64", "mips64el", "mips", "mipsel" -> "mips";
            default -> throw new BuildException("unsupported architecture os.arch=" + arch + " (no __TARGET_ARCH_ for it)");
        };
    }

    /** {@code /usr/include/<multiarch>}, where Debian keeps asm/ headers, if it exists. */
    static Optional<Path> multiarchInclude() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String triple = switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            case "arm", "armv7l" -> "arm-linux-gnueabihf";
            case "ppc64le", "powerpc64le" -> "powerpc64le-linux-gnu";
            case "s390x" -> "s390x-linux-gnu";
            case "riscv64" -> "riscv64-linux-gnu";
            case "loongarch64" -> "loongarch64-linux-gnu";
            case "i386", "i686", "x86" -> "i386-linux-gnu";
            default -> null;
        };
        if (triple == null) {
            return Optional.empty();
        }
        Path p = Path.of("/usr/include", triple);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    static Optional<JsonNode> readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) {
                throw new BuildException(file.getFileName() + ": expected a JSON object");
            }
            return Optional.of(n);
        } catch (JsonProcessingException e) {
            throw new BuildException(file.getFileName() + ": invalid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BuildException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
