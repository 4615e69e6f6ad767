package dev.ebpm.store;

import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.UnpackedPackage;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/** Deterministic small packages: the same (name, version) always has the same bytes, so a checker can recompute them. */
public final class TestPackages {
    static final String SHARED = "shared/LICENSE";

    private TestPackages() {
    }

    public static SortedMap<String, byte[]> files(String name, String version) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", ("{\"bpf_skel\":{\"obj_name\":\"" + name + "\"},\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8));
        files.put("src/" + name + ".bpf.o", content(name + "@" + version + ":object", 2000 + Math.abs((name + version).hashCode() % 6000)));
        // the same bytes in every package, so blobs are shared and dedup/gc have work to do
        files.put(SHARED, "GPL-2.0 OR BSD-3-Clause\n".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    public static byte[] content(String seed, int size) {
        byte[] out = new byte[size];
        byte[] s = seed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) out[i] = (byte) (s[i % s.length] + i / s.length);
        return out;
    }

    public static PackageManifest manifest(String name, String version) {
        PackageManifest.Builder b = PackageManifest.builder().name(name).version(version).kind(PackageKind.BPF)
                .entry("package.json").description("test package " + name)
                .requires(new PackageManifest.Requires(true, true, java.util.List.of("tracepoint"), null));
        files(name, version).forEach(b::file);
        return b.build();
    }

    public static UnpackedPackage unpacked(String name, String version) {
        return UnpackedPackage.of(manifest(name, version), files(name, version));
    }

    public static byte[] archive(String name, String version) {
        return PackageArchive.pack(manifest(name, version), files(name, version));
    }
}
