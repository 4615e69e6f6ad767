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
 * {@code ebpm build}: what eunomia's ecc does, with the host's clang. Compiles the {@code *.bpf.c} that
 * {@link BuildSources} names (with its event header's markers appended, as ecc appends them) against a vmlinux.h (the directory's own, a pinned one, or one generated from BTF), then writes
 * eunomia's package.json from the object, the source's {@code ///} comments and an optional {@code ebpm-build.json}.
 * The bytes depend on the sources and the {@link Toolchain} only, never on where the directory is, when or by whom it
 * is built: clang runs in the directory on the relative source name, with the directory's path mapped away.
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
        // clang runs in the package directory on the source's relative name; every other path handed to it is absolute
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
        Path header = vmlinuxHeader(dir, outDir, options);
        compile(clang, dir, fileName, object, header.getParent(), outDir, options.cflags(), src.eventHeader().map(EventHeader::markers));
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
            pkg.meta.ebpmBuild = Toolchain.of(clang, header, dir).asRecord();
            PackageWriter.write(pkg, packageJson);
        } catch (SkeletonException e) {
            throw new BuildException(e.getMessage(), e);
        } catch (IOException e) {
            throw new BuildException("cannot write " + packageJson + ": " + e.getMessage(), e);
        }
        return new Result(packageJson, object, pkg);
    }

    /**
     * The vmlinux.h the source's {@code #include "vmlinux.h"} gets: one next to the source (quote includes look there
     * first, so it always wins), else the one pinned with {@code --vmlinux}, else one generated from the kernel's BTF.
     */
    private static Path vmlinuxHeader(Path dir, Path outDir, BuildOptions options) {
        if (options.vmlinuxHeader().isPresent() && options.btfFile().isPresent()) {
            throw new BuildException("--vmlinux and --btf both say where the kernel's types come from: give one");
        }
        Path own = dir.resolve(VmlinuxHeader.FILE_NAME);
        if (Files.isRegularFile(own)) {
            if (options.vmlinuxHeader().isPresent()) {
                throw new BuildException(dir + " has its own vmlinux.h, which the source includes before any other:"
                        + " remove it, or build without --vmlinux");
            }
            return own;
        }
        return options.vmlinuxHeader().map(f -> VmlinuxHeader.pin(f.toAbsolutePath(), outDir))
                .orElseGet(() -> VmlinuxHeader.ensure(options.btfFile(), outDir));
    }

    /**
     * {@code appended}: text compiled after the source (an event header's markers, as ecc appends them); both go to
     * clang on stdin behind a #line naming the source, so that diagnostics and debug info still name it.
     */
    private static void compile(HostTool clang, Path dir, String fileName, Path object, Path includeDir, Path outDir,
                                List<String> cflags, Optional<String> appended) {
        List<String> args = new ArrayList<>(List.of("-target", "bpf", "-g", "-O2", "-D__TARGET_ARCH_" + targetArch()));
        // the object's BTF line info names source files: relative to the package directory, wherever it is
        args.add("-ffile-prefix-map=" + dir + "=.");
        if (!outDir.startsWith(dir)) args.add("-ffile-prefix-map=" + outDir + "=" + OUTPUT_DIR);
        args.add("-I" + includeDir);
        multiarchInclude().ifPresent(p -> args.add("-I" + p));
        args.addAll(cflags);
        Optional<byte[]> stdin = appended.map(text -> withAppended(dir.resolve(fileName), fileName, text));
        if (stdin.isPresent()) {
            // on stdin, quote includes are looked up from the working directory: the package directory
            args.addAll(List.of("-I.", "-x", "c", "-c", "-", "-o", object.toString()));
        } else {
            args.addAll(List.of("-c", fileName, "-o", object.toString()));
        }
        HostTool.Result r = clang.run(args, dir, stdin);
        if (!r.ok()) {
            String hint = r.output().contains("bpf/bpf_helpers.h' file not found")
                    ? "; bpf/bpf_helpers.h comes with the Debian package 'libbpf-dev'" : "";
            throw new BuildException("clang failed to compile " + fileName + " (exit " + r.exitCode() + ")" + hint,
                    r.output(), null);
        }
    }

    private static byte[] withAppended(Path source, String fileName, String appended) {
        try {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            String quoted = fileName.replace("\\", "\\\\").replace("\"", "\\\"");
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
