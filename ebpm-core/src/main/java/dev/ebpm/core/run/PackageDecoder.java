package dev.ebpm.core.run;

import dev.ebpm.core.spec.SpecException;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.skeleton.SkeletonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns package bytes into a {@link RunnablePackage}, whatever their kind: a WASM module (by its magic), a plain BPF
 * object ({@code .o}, or ELF magic on stdin; its layout comes from BTF), a bare {@code *.skel.json} with its
 * {@code .bpf.o} beside it, or an eunomia {@code package.json}.
 */
final class PackageDecoder {
    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final long MAX_OBJECT = PackageReader.MAX_OBJECT_SIZE;

    private PackageDecoder() {
    }

    /**
     * @param fileName   picks the bare forms and the default name
     * @param siblingDir where a bare skeleton's object lies (null: none)
     */
    static RunnablePackage decode(byte[] bytes, String fileName, String origin, Path siblingDir) {
        if (startsWith(bytes, WASM_MAGIC)) {
            return new RunnablePackage(fileName.replaceFirst("\\.wasm$", ""), null, origin, null, bytes);
        }
        if (fileName.endsWith(".o") || (fileName.equals("-") && startsWith(bytes, ELF_MAGIC))) {
            String name = fileName.equals("-") ? "stdin" : fileName.replaceFirst("(\\.bpf)?\\.o$", "");
            PackageReader.checkElf(bytes, origin);
            var pkg = SkeletonGenerator.fromObject(bytes, name, Optional.empty());
            return new RunnablePackage(name, null, origin, new PackageReader.Decoded(pkg, bytes), null);
        }
        if (fileName.endsWith(".skel.json")) {
            String stem = fileName.substring(0, fileName.length() - ".skel.json".length());
            Path obj = siblingDir == null ? null : siblingDir.resolve(stem + ".bpf.o");
            if (obj == null || !Files.isRegularFile(obj)) {
                throw new SpecException(origin + " is a bare skeleton, but its object " + stem + ".bpf.o is missing");
            }
            return new RunnablePackage(stem, null, origin, PackageReader.readBare(bytes, readObject(obj), origin), null);
        }
        PackageReader.Decoded d = PackageReader.read(bytes, origin);
        String obj = d.pkg().meta.bpfSkel.objName;
        String name = obj != null ? obj.replaceFirst("_bpf$", "") : fileName.replaceFirst("\\.json$", "");
        return new RunnablePackage(name, null, origin, d, null);
    }

    private static byte[] readObject(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_OBJECT) throw new SpecException(file + " is " + (size >> 20) + " MiB; a BPF object is at most " + (MAX_OBJECT >> 20) + " MiB");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SpecException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }
}
