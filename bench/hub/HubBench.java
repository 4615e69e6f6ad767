import dev.ebpm.hub.HubStore;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.registry.Downloader;
import dev.ebpm.registry.HubHttp;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * prepare DATA WWW MB: publishes a small package and an MB-sized one into a hub data directory and writes the same
 * bytes nginx will serve (WWW/index.json, WWW/blobs/sha256/...); prints "small-sha big-sha big-size".
 * download URL SHA SIZE RUNS: downloads with ebpm's Downloader RUNS times into fresh directories; prints the
 * median seconds.
 */
public class HubBench {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("prepare")) prepare(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
        else download(a[1], a[2], Long.parseLong(a[3]), Integer.parseInt(a[4]));
    }

    static byte[] archive(String name, String version, byte[] entry) {
        PackageManifest m = PackageManifest.builder().name(name).version(version).description("benchmark package " + name)
                .keywords(List.of("bench")).kind(PackageKind.BPF).entry("package.json").file("package.json", entry).build();
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", entry);
        return PackageArchive.pack(m, files);
    }

    static void prepare(Path data, Path www, int mb) throws Exception {
        byte[] small = archive("sigsnoop", "1.0.0", "{\"bpf_skel\":{\"obj_name\":\"sigsnoop_bpf\"}}".getBytes());
        byte[] payload = new byte[mb << 20];
        new Random(42).nextBytes(payload); // incompressible: the archive is as big as the payload
        byte[] big = archive("bigpkg", "1.0.0", payload);
        try (HubStore store = HubStore.open(data, 1L << 30)) {
            String token = store.createToken("bench");
            for (int i = 0; i < 20; i++) {
                // a realistic index: a few packages with several versions each
                byte[] a = archive("tool" + (i % 5), "1." + i + ".0", ("{\"i\":" + i + "}").getBytes());
                store.publish(token, "tool" + (i % 5), "1." + i + ".0", new ByteArrayInputStream(a), a.length, null);
            }
            store.publish(token, "sigsnoop", "1.0.0", new ByteArrayInputStream(small), small.length, null);
            store.publish(token, "bigpkg", "1.0.0", new ByteArrayInputStream(big), big.length, null);
            Files.createDirectories(www.resolve("blobs/sha256"));
            Files.write(www.resolve("index.json"), store.snapshot().index().json());
        }
        String s = Digests.sha256Hex(small);
        String b = Digests.sha256Hex(big);
        Files.write(www.resolve("blobs/sha256/" + s), small);
        Files.write(www.resolve("blobs/sha256/" + b), big);
        System.out.println(s + " " + b + " " + big.length);
    }

    static void download(String url, String sha, long size, int runs) throws Exception {
        HubHttp http = new HubHttp(HubHttp.Options.defaults());
        double[] t = new double[runs];
        for (int i = -2; i < runs; i++) {
            Path dir = Files.createTempDirectory("hubbench-");
            long t0 = System.nanoTime();
            Path p = new Downloader(http, dir, Downloader.DEFAULT_MAX_BYTES, true).download(url, sha, size);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (Files.size(p) != size) throw new AssertionError("wrong size");
            Files.delete(p);
            Files.delete(dir);
            if (i >= 0) t[i] = secs;
        }
        Arrays.sort(t);
        System.out.println(t[runs / 2]);
    }
}
