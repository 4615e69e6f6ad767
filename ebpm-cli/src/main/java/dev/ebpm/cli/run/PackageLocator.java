package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.skeleton.SkeletonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds what {@code ebpm run X} means: a file (package.json, *.skel.json, *.bpf.o), a package
 * directory, or the name of a bundled example.
 */
public final class PackageLocator {
    /** A package ready to run: its decoded skeleton, a short name and where it came from. */
    public record Located(PackageReader.Decoded decoded, String name, String origin) {}

    private PackageLocator() {}

    public static Located locate(String arg) {
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) return fromDirectory(p);
        if (Files.isRegularFile(p)) return fromFile(p);
        if (arg.contains("/") || arg.endsWith(".json") || arg.endsWith(".o")) {
            throw new UserError("no such file: " + arg);
        }
        Optional<Path> example = BundledExamples.find(arg);
        if (example.isPresent()) return fromDirectory(example.get());
        throw new UserError("no package named '" + arg + "' (not a file, not a bundled example: "
                + String.join(", ", BundledExamples.names()) + ")");
    }

    static Located fromDirectory(Path dir) {
        return fromFile(BundledExamples.buildIfNeeded(dir));
    }

    static Located fromFile(Path file) {
        String fileName = file.getFileName().toString();
        byte[] bytes = read(file);
        if (fileName.endsWith(".bpf.o") || fileName.endsWith(".o")) {
            String name = fileName.replaceFirst("(\\.bpf)?\\.o$", "");
            PackageReader.checkElf(bytes, file.toString());
            var pkg = SkeletonGenerator.fromObject(bytes, name, Optional.empty());
            return new Located(new PackageReader.Decoded(pkg, bytes), name, file.toString());
        }
        if (fileName.endsWith(".skel.json")) {
            String stem = fileName.substring(0, fileName.length() - ".skel.json".length());
            Path obj = file.resolveSibling(stem + ".bpf.o");
            if (!Files.isRegularFile(obj)) throw new UserError(file + " is a bare skeleton, but its object " + obj + " is missing");
            return new Located(PackageReader.readBare(bytes, read(obj), file.toString()), stem, file.toString());
        }
        PackageReader.Decoded d = PackageReader.read(bytes, file.toString());
        String obj = d.pkg().meta.bpfSkel.objName;
        String name = obj != null ? obj.replaceFirst("_bpf$", "") : fileName.replaceFirst("\\.json$", "");
        return new Located(d, name, file.toString());
    }

    private static byte[] read(Path file) {
        try {
            long size = Files.size(file);
            if (size > 128L << 20) throw new UserError(file + " is " + (size >> 20) + " MiB; a package file is at most 128 MiB");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }
}
