package dev.ebpm.loader.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to build a package directory.
 *
 * @param btfFile       BTF to generate vmlinux.h from; default env BTF_FILE_PATH, else the running kernel's
 * @param vmlinuxHeader a vmlinux.h to compile against instead of one generated from BTF, so the build does not depend
 *                      on this machine's kernel ({@code ebpm build --vmlinux FILE})
 * @param outputDir     where the object and the cached vmlinux.h go; default {@code DIR/.output}
 * @param packageJson   where package.json goes; default {@code DIR/package.json}
 * @param cflags        extra clang arguments, after ebpm's own
 */
public record BuildOptions(Optional<Path> btfFile, Optional<Path> vmlinuxHeader, Optional<Path> outputDir,
                           Optional<Path> packageJson, List<String> cflags) {
    public BuildOptions {
        cflags = List.copyOf(cflags);
    }

    public static BuildOptions defaults() {
        return new BuildOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    public BuildOptions withBtfFile(Path file) {
        return new BuildOptions(Optional.of(file), vmlinuxHeader, outputDir, packageJson, cflags);
    }

    public BuildOptions withVmlinuxHeader(Path file) {
        return new BuildOptions(btfFile, Optional.of(file), outputDir, packageJson, cflags);
    }

    public BuildOptions withOutputDir(Path dir) {
        return new BuildOptions(btfFile, vmlinuxHeader, Optional.of(dir), packageJson, cflags);
    }

    public BuildOptions withCflags(List<String> flags) {
        return new BuildOptions(btfFile, vmlinuxHeader, outputDir, packageJson, flags);
    }

    public BuildOptions withPackageJson(Path file) {
        return new BuildOptions(btfFile, vmlinuxHeader, outputDir, Optional.of(file), cflags);
    }
}
