package dev.ebpm.cli.oci;

import static dev.ebpm.cli.oci.OciFixtures.JSON;
import static dev.ebpm.cli.oci.OciFixtures.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.registry.oci.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Air-gapped transfer: {@code ebpm export} writes an OCI image layout tar (what ig image export writes), skopeo copies a
 * package from it into a registry (oci-archive:) where ebpm then finds its signature, and {@code ebpm import} installs
 * from it with no network and no registry at all, the package then running offline by its reference.
 */
class OciBundleTest {
    private static List<String> tar(Path file) throws Exception {
        Process p = new ProcessBuilder("tar", "tf", file.toString()).start();
        List<String> names = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor());
        return names;
    }

    private static void skopeo(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void exportedLayoutsAreCopiedBySkopeoAndImportedWithNoNetwork(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle.tar");
        String ref;
        Path pub = dir.resolve("me.pub");
        try (TestRegistry registry = TestRegistry.start(TestRegistry.Auth.NONE)) {
            Path a = dir.resolve("a");
            OciArtifactTest.withKey(a);
            Files.copy(a.resolve("store/keys/me.pub"), pub);
            assertEquals(0, quick(a, "key", "trust", pub.toString()).exitCode());
            ref = registry.address() + "/team/bundled:1.0.0";
            assertEquals(0, quick(a, "push", OciArtifactTest.packageDir(dir, "bundled", "1.0.0").toString(), ref, "--key", "me").exitCode());
            assertEquals(0, quick(a, "install", ref).exitCode());
            // and a package that never saw a registry: installed from its signed archive
            assertEquals(0, quick(a, "pack", OciArtifactTest.packageDir(dir, "local", "2.0.0").toString(), "-o", dir.resolve("dist").toString()).exitCode());
            Path archive = dir.resolve("dist/local-2.0.0.ebpm");
            assertEquals(0, quick(a, "sign", archive.toString(), "--key", "me").exitCode());
            assertEquals(0, quick(a, "install", archive.toString()).exitCode());

            CliProcess.Result export = quick(a, "export", "bundled", "local", "-o", bundle.toString());
            assertEquals(0, export.exitCode(), export.stderr());
            assertTrue(export.stdout().startsWith("exported 2 packages to " + bundle) && export.stdout().contains(ref) && export.stdout().contains("local:2.0.0"),
                    export.stdout());
            List<String> entries = tar(bundle);
            assertTrue(entries.contains("oci-layout") && entries.contains("index.json"), entries.toString());
            assertTrue(entries.stream().filter(e -> e.startsWith("blobs/sha256/") && e.length() == "blobs/sha256/".length() + 64).count() >= 8, entries.toString());
            Process idx = new ProcessBuilder("tar", "xOf", bundle.toString(), "index.json").start();
            JsonNode index = JSON.readTree(idx.getInputStream().readAllBytes());
            Set<String> names = new TreeSet<>();
            for (JsonNode m : index.get("manifests")) names.add(m.at("/annotations/org.opencontainers.image.ref.name").asText());
            assertTrue(names.contains(ref) && names.contains("local:2.0.0"), names.toString());
            assertEquals(4, names.size(), "each package and its signature's referrers index: " + names);

            // skopeo copies a package and its referrers index into a registry: ebpm finds the signature there
            String sigTag = names.stream().filter(n -> n.startsWith("local:sha256-")).findFirst().orElseThrow().substring("local:".length());
            skopeo("copy", "--dest-tls-verify=false", "oci-archive:" + bundle + ":local:2.0.0", "docker://" + registry.address() + "/copied/local:2.0.0");
            skopeo("copy", "--all", "--dest-tls-verify=false", "oci-archive:" + bundle + ":local:" + sigTag,
                    "docker://" + registry.address() + "/copied/local:" + sigTag);
            Path b = dir.resolve("b");
            assertEquals(0, quick(b, "key", "trust", pub.toString()).exitCode());
            CliProcess.Result copied = quick(b, "install", registry.address() + "/copied/local:2.0.0");
            assertEquals(0, copied.exitCode(), copied.stderr());
            assertTrue(quick(b, "info", "local").stdout().contains("signature:   verified"));
        }
        // no registry from here on, and no network allowed
        Path c = dir.resolve("c");
        assertEquals(0, quick(c, "key", "trust", pub.toString()).exitCode());
        Map<String, String> offline = new HashMap<>(OciFixtures.env(c));
        offline.put("EBPM_OFFLINE", "1");
        CliProcess.Result imported = CliProcess.run(offline, Duration.ofSeconds(120), "import", bundle.toString());
        assertEquals(0, imported.exitCode(), imported.stderr());
        assertTrue(imported.stdout().contains("installed bundled@1.0.0 from " + ref + " (ebpm package,"), imported.stdout());
        assertTrue(imported.stdout().contains("installed local@2.0.0 from local:2.0.0"), imported.stdout());
        CliProcess.Result run = CliProcess.run(offline, Duration.ofSeconds(120), "run", "--duration", "1", ref);
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("bundled running (6 programs attached)"), run.stderr());
    }

    @Test
    void anImportWithOneUnsignedPackageStoresNothing(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        OciArtifactTest.withKey(a);
        Path pub = a.resolve("store/keys/me.pub");
        assertEquals(0, quick(a, "key", "trust", pub.toString()).exitCode());
        assertEquals(0, quick(a, "pack", OciArtifactTest.packageDir(dir, "signed", "1.0.0").toString(), "-o", dir.resolve("dist").toString()).exitCode());
        assertEquals(0, quick(a, "sign", dir.resolve("dist/signed-1.0.0.ebpm").toString(), "--key", "me").exitCode());
        assertEquals(0, quick(a, "install", dir.resolve("dist/signed-1.0.0.ebpm").toString()).exitCode());
        assertEquals(0, quick(a, "pack", OciArtifactTest.packageDir(dir, "bare", "1.0.0").toString(), "-o", dir.resolve("dist").toString()).exitCode());
        assertEquals(0, quick(a, "install", "--allow-unsigned", dir.resolve("dist/bare-1.0.0.ebpm").toString()).exitCode());
        Path bundle = dir.resolve("mixed.tar");
        CliProcess.Result export = quick(a, "export", "signed", "bare", "-o", bundle.toString());
        assertEquals(0, export.exitCode(), export.stderr());
        assertTrue(export.stderr().contains("exporting bare@1.0.0 without a signature"), export.stderr());

        Path c = dir.resolve("c");
        assertEquals(0, quick(c, "key", "trust", pub.toString()).exitCode());
        CliProcess.Result refused = quick(c, "import", bundle.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("package bare@1.0.0 is not signed; refused"), refused.stderr());
        assertEquals("no packages installed", quick(c, "list").stdout().strip());
        CliProcess.Result allowed = quick(c, "import", "--allow-unsigned", bundle.toString());
        assertEquals(0, allowed.exitCode(), allowed.stderr());
        assertTrue(quick(c, "list").stdout().contains("signed") && quick(c, "list").stdout().contains("bare"));
    }
}
