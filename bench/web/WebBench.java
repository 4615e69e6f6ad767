import dev.ebpm.hub.HubStore;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * prepare DATA REPO: publishes a realistic hub into DATA: the four examples of REPO (their READMEs and manifests'
 * metadata), each in five signed versions (the oldest yanked), and 16 more packages; prints the path of sigsnoop's page.
 */
public class WebBench {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[1]);
        Path repo = Path.of(a[2]);
        try (HubStore store = HubStore.open(data, 1L << 30)) {
            String token = store.createToken("bench");
            SecretKey key = SecretKey.generate("bench");
            store.addPublisherKey("bench", key.publicKey());
            for (String example : List.of("sigsnoop", "opensnoop", "bootstrap", "runqlat")) {
                PackageManifest meta = PackageManifest.parse(Files.readAllBytes(repo.resolve("examples").resolve(example).resolve("ebpm.json")));
                byte[] readme = Files.readAllBytes(repo.resolve("examples").resolve(example).resolve("README.md"));
                for (int v = 0; v < 5; v++) publish(store, token, key, example, "1." + v + ".0", meta.description(), meta.keywords(), meta.requires(), readme);
                store.setYanked(token, example, "1.0.0", true);
            }
            for (int i = 0; i < 16; i++) {
                publish(store, token, key, "tool" + i, "0.1.0", "benchmark package " + i, List.of("bench"), PackageManifest.Requires.NONE,
                        ("# tool" + i + "\n\nA package to make the index realistic.\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        System.out.println("/packages/sigsnoop");
    }

    static void publish(HubStore store, String token, SecretKey key, String name, String version, String description, List<String> keywords,
                        PackageManifest.Requires requires, byte[] readme) throws Exception {
        byte[] entry = ("{\"bpf_skel\":{\"obj_name\":\"" + name + "_bpf\"}}").getBytes(StandardCharsets.UTF_8);
        PackageManifest m = PackageManifest.builder().name(name).version(version).description(description).keywords(keywords)
                .license("GPL-2.0").kind(PackageKind.BPF).entry("package.json").requires(requires)
                .file("package.json", entry).file("README.md", readme).build();
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", entry);
        files.put("README.md", readme);
        byte[] archive = PackageArchive.pack(m, files);
        String sig = Base64.getEncoder().encodeToString(SignatureEnvelope.sign(key, m, m.toJson()).toJson());
        store.publish(token, name, version, new ByteArrayInputStream(archive), archive.length, sig);
    }
}
