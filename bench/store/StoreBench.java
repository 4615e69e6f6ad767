import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
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
        if (args[0].equals("measure")) {
            measure(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            return;
        }
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

    /** Warm, in-process: median of 30 runs after 10 warm-ups of listJson, info and a no-op install, per store. */
    static void measure(Path big, Path empty, Path archive) throws Exception {
        dev.ebpm.pkg.PackageName probe = dev.ebpm.pkg.PackageName.parse("probe");
        String[] ops = {"listJson", "info", "install"};
        double[][] ms = new double[2][ops.length];
        Path[] stores = {big, empty};
        for (int si = 0; si < 2; si++) {
            try (LocalStore s = LocalStore.open(stores[si])) {
                dev.ebpm.store.ArchiveInstaller installer = new dev.ebpm.store.ArchiveInstaller(s);
                for (int op = 0; op < ops.length; op++) {
                    double[] t = new double[40];
                    for (int i = 0; i < t.length; i++) {
                        long t0 = System.nanoTime();
                        switch (op) {
                            case 0 -> s.listJson();
                            case 1 -> s.info(probe, null);
                            default -> installer.install(archive.toString());
                        }
                        t[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    double[] warm = java.util.Arrays.copyOfRange(t, 10, t.length);
                    java.util.Arrays.sort(warm);
                    ms[si][op] = warm[warm.length / 2];
                }
            }
        }
        for (int op = 0; op < ops.length; op++) {
            System.out.printf("api %-8s warm median: 10k %8.3f ms, 1-pkg %8.3f ms%n", ops[op], ms[0][op], ms[1][op]);
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
