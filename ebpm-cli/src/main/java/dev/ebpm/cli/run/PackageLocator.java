package dev.ebpm.cli.run;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.hub.HubPackageSource;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.skeleton.SkeletonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds what {@code ebpm run X} means: a file (package.json, *.skel.json, *.bpf.o, *.wasm), a
 * package directory, or the name of a bundled example.
 */
public final class PackageLocator {
    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};

    /**
     * A package ready to run: either a decoded eunomia skeleton or a WASM module's bytes, with a
     * short name and where it came from.
     */
    public record Located(String name, String origin, PackageReader.Decoded decoded, byte[] wasm) {
        public boolean isWasm() {
            return wasm != null;
        }

        static Located bpf(PackageReader.Decoded d, String name, String origin) {
            return new Located(name, origin, d, null);
        }

        static Located wasm(byte[] module, String name, String origin) {
            return new Located(name, origin, null, module);
        }
    }

    private PackageLocator() {}

    /**
     * @param storeRoot the local store to look installed names up in (not created if absent)
     */
    public static Located locate(String arg, Path storeRoot) {
        return locate(arg, storeRoot, false);
    }

    /**
     * @param storeRoot     the local store to look installed names up in (not created if absent)
     * @param allowUnsigned let an unsigned (or untrusted) package fetched from a hub run, with a warning
     */
    public static Located locate(String arg, Path storeRoot, boolean allowUnsigned) {
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) return fromDirectory(p);
        if (Files.isRegularFile(p)) return fromFile(p);
        if (arg.contains("/") || arg.endsWith(".json") || arg.endsWith(".o") || arg.endsWith(".wasm")) {
            throw new UserError("no such file: " + arg);
        }
        Optional<Located> installed = InstalledPackages.find(arg, storeRoot);
        if (installed.isPresent()) return installed.get();
        // not installed: fetch from the hubs (the bundled examples' hub first) and run without storing, as ecli does,
        // but only what install would let in (signature checked against the keys trusted for that hub)
        FetchedPackage f = HubPackageSource.open(storeRoot, false, false, false).fetchToRun(storeRoot, arg, allowUnsigned);
        String entry = f.manifest().entry();
        String origin = f.manifest().name().value() + "@" + f.manifest().version() + " from hub " + f.hub();
        Located l = fromBytes(f.entryBytes(), entry, origin, null);
        String name = f.manifest().name().value();
        return l.isWasm() ? Located.wasm(l.wasm(), name, origin) : Located.bpf(l.decoded(), name, origin);
    }

    static Located fromDirectory(Path dir) {
        return fromFile(BundledExamples.buildIfNeeded(dir));
    }

    /** Decodes package bytes whatever their kind; {@code fileName} picks the bare forms. */
    public static Located fromBytes(byte[] bytes, String fileName, String origin, Path siblingDir) {
        if (startsWith(bytes, WASM_MAGIC)) {
            return Located.wasm(bytes, fileName.replaceFirst("\\.wasm$", ""), origin);
        }
        if (fileName.endsWith(".bpf.o") || fileName.endsWith(".o")) {
            String name = fileName.replaceFirst("(\\.bpf)?\\.o$", "");
            PackageReader.checkElf(bytes, origin);
            var pkg = SkeletonGenerator.fromObject(bytes, name, Optional.empty());
            return Located.bpf(new PackageReader.Decoded(pkg, bytes), name, origin);
        }
        if (fileName.endsWith(".skel.json")) {
            String stem = fileName.substring(0, fileName.length() - ".skel.json".length());
            Path obj = siblingDir == null ? null : siblingDir.resolve(stem + ".bpf.o");
            if (obj == null || !Files.isRegularFile(obj)) throw new UserError(origin + " is a bare skeleton, but its object " + stem + ".bpf.o is missing");
            return Located.bpf(PackageReader.readBare(bytes, read(obj), origin), stem, origin);
        }
        PackageReader.Decoded d = PackageReader.read(bytes, origin);
        String obj = d.pkg().meta.bpfSkel.objName;
        String name = obj != null ? obj.replaceFirst("_bpf$", "") : fileName.replaceFirst("\\.json$", "");
        return Located.bpf(d, name, origin);
    }

    static Located fromFile(Path file) {
        Located l = fromBytes(read(file), file.getFileName().toString(), file.toString(), file.toAbsolutePath().getParent());
        if (l.isWasm() && file.getFileName().toString().equals("app.wasm") && file.toAbsolutePath().getParent() != null) {
            // eunomia's layout is NAME/app.wasm: the directory names the program
            return Located.wasm(l.wasm(), file.toAbsolutePath().getParent().getFileName().toString(), l.origin());
        }
        return l;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
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
