import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.LocalStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fills a store through the Java API (no JVM per package).
 * <pre>StoreBench STORE COUNT ARCHIVE_DIR</pre>
 * Installs COUNT small packages (bench-00000 .. ) plus the probe package "probe" 1.0.0, whose archive it also writes to
 * ARCHIVE_DIR/probe-1.0.0.ebpm for the CLI runs. Prints: count, total seconds, ms per install.
 */
public final class StoreBench {
    static final byte[] LICENSE = "GPL-2.0 OR BSD-3-Clause\n".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Path archives = Path.of(args[2]);
        Files.createDirectories(archives);
        byte[] probe = archive("probe", 0);
        Files.write(archives.resolve("probe-1.0.0.ebpm"), probe);
        try (LocalStore s = LocalStore.open(store)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String name = String.format("bench-%05d", i);
                byte[] a = archive(name, i);
                s.install(PackageArchive.unpack(new java.io.ByteArrayInputStream(a)), a, InstallSource.file(archives.resolve(name + "-1.0.0.ebpm")), "unsigned");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            s.install(PackageArchive.unpack(new java.io.ByteArrayInputStream(probe)), probe, InstallSource.file(archives.resolve("probe-1.0.0.ebpm")), "unsigned", true);
            System.out.printf("%d %.3f %.3f%n", count, secs, count == 0 ? 0 : secs * 1000 / count);
        }
    }

    static byte[] archive(String name, int seed) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", ("{\"bpf_skel\":{\"obj_name\":\"" + name.replace('-', '_') + "_bpf\"}}").getBytes(StandardCharsets.UTF_8));
        byte[] obj = new byte[2048 + seed % 2048];
        for (int i = 0; i < obj.length; i++) obj[i] = (byte) (i * 31 + seed);
        files.put(name + ".bpf.o", obj);
        files.put("LICENSE", LICENSE);
        PackageManifest.Builder b = PackageManifest.builder().name(name).version("1.0.0").kind(PackageKind.BPF)
                .entry("package.json").description("benchmark package " + name).license("GPL-2.0")
                .requires(new PackageManifest.Requires(true, true, java.util.List.of("tracepoint"), null));
        files.forEach(b::file);
        return PackageArchive.pack(b.build(), files);
    }
}
