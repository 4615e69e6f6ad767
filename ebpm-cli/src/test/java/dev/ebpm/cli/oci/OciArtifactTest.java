package dev.ebpm.cli.oci;

import static dev.ebpm.cli.oci.OciFixtures.JSON;
import static dev.ebpm.cli.oci.OciFixtures.quick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.oci.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ebpm's own artifact through a real registry: pushed with its signature as an OCI 1.1 referrer (found through the
 * referrers tag schema, docker-registry 2.8 having no referrers API), read back by skopeo, installed only when the
 * signature verifies, run offline from the store, refused under --locked once its tag moved; a registry as a hub with
 * semver ranges over its tags; and `push --format ecli` writing what ecli writes.
 */
class OciArtifactTest {
    private static TestRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start(TestRegistry.Auth.NONE);
        OciFixtures.sigsnoopObject(); // builds the sigsnoop example the packages below are made of
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
    }

    /** A package directory: sigsnoop's package.json under another name and version (and a README saying which). */
    static Path packageDir(Path dir, String name, String version) throws Exception {
        Path d = dir.resolve("pkg-" + name + "-" + version);
        if (Files.isDirectory(d)) return d;
        Files.createDirectories(d);
        Files.copy(OciFixtures.builtExample("sigsnoop"), d.resolve("package.json"));
        Files.writeString(d.resolve("README.md"), name + " " + version + "\n");
        Files.writeString(d.resolve("ebpm.json"), "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"kind\":\"bpf\",\"entry\":\"package.json\","
                + "\"description\":\"signals, as " + name + "\"}");
        return d;
    }

    static Map<String, String> withKey(Path dir) throws Exception {
        CliProcess.Result k = quick(dir, "key", "generate", "--name", "me", "--no-passphrase");
        assertEquals(0, k.exitCode(), k.stderr());
        return new HashMap<>(OciFixtures.env(dir));
    }

    static String skopeoRaw(String ref) throws Exception {
        Process p = new ProcessBuilder("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "skopeo inspect " + ref + ": " + err);
        System.out.println("skopeo inspect --raw docker://" + ref + "\n" + out); // the report shows what ebpm wrote (docs/oci.md)
        return out;
    }

    @Test
    void aSignedPushIsReadBySkopeoAndInstallsOnlyWhenItsReferrerVerifies(@TempDir Path dir) throws Exception {
        Map<String, String> env = withKey(dir);
        String ref = registry.address() + "/team/sigsnoop:1.0.0";
        CliProcess.Result push = quick(dir, "push", packageDir(dir, "sigsnoop", "1.0.0").toString(), ref, "--key", "me");
        assertEquals(0, push.exitCode(), push.stderr());
        assertTrue(push.stdout().startsWith("pushed sigsnoop@1.0.0 to " + ref + " (signed)"), push.stdout());
        String digest = push.stdout().lines().toList().get(1);

        String raw = skopeoRaw(ref);
        assertEquals(digest, "sha256:" + Digests.sha256Hex(raw.getBytes(StandardCharsets.UTF_8)), "skopeo reads the manifest ebpm pushed, byte for byte");
        JsonNode m = JSON.readTree(raw);
        assertEquals("application/vnd.ebpm.package.v1", m.get("artifactType").asText());
        assertEquals("application/vnd.oci.empty.v1+json", m.at("/config/mediaType").asText());
        assertEquals("application/vnd.ebpm.package.v1.tar+gzip", m.at("/layers/0/mediaType").asText());
        JsonNode referrers = JSON.readTree(skopeoRaw(registry.address() + "/team/sigsnoop:" + digest.replace(':', '-')));
        assertEquals("application/vnd.ebpm.signature.v1+json", referrers.at("/manifests/0/artifactType").asText());
        JsonNode sig = JSON.readTree(skopeoRaw(registry.address() + "/team/sigsnoop@" + referrers.at("/manifests/0/digest").asText()));
        assertEquals(digest, sig.at("/subject/digest").asText(), "the signature's subject is the package's manifest");

        CliProcess.Result untrusted = quick(dir, "install", ref);
        assertEquals(1, untrusted.exitCode());
        assertTrue(untrusted.stderr().contains("not trusted for files and URLs; refused"), untrusted.stderr());
        assertEquals("no packages installed", quick(dir, "list").stdout().strip());

        assertEquals(0, quick(dir, "key", "trust", dir.resolve("store/keys/me.pub").toString()).exitCode());
        CliProcess.Result ok = quick(dir, "install", ref);
        assertEquals(0, ok.exitCode(), ok.stderr());
        CliProcess.Result info = quick(dir, "info", "sigsnoop");
        assertTrue(info.stdout().contains("signature:   verified: key"), info.stdout());
        assertTrue(info.stdout().contains("source:      oci:" + registry.address() + "/team/sigsnoop@" + digest), info.stdout());

        // another package's signature attached to this one: refused whatever --allow-unsigned says
        Path forged = packageDir(dir, "sigsnoop", "1.0.1");
        Path archive = dir.resolve("forged");
        assertEquals(0, quick(dir, "pack", forged.toString(), "-o", archive.toString()).exitCode());
        Path file = archive.resolve("sigsnoop-1.0.1.ebpm");
        assertEquals(0, quick(dir, "sign", file.toString(), "--key", "me").exitCode());
        Path other = packageDir(dir, "sigsnoop", "1.0.2");
        assertEquals(0, quick(dir, "pack", other.toString(), "-o", archive.toString()).exitCode());
        Files.copy(Path.of(file + ".sig"), Path.of(archive.resolve("sigsnoop-1.0.2.ebpm") + ".sig"));
        String forgedRef = registry.address() + "/team/sigsnoop:1.0.2";
        assertEquals(0, quick(dir, "push", archive.resolve("sigsnoop-1.0.2.ebpm").toString(), forgedRef).exitCode());
        CliProcess.Result refused = quick(dir, "install", "--allow-unsigned", forgedRef);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("sigsnoop@1.0.1") && refused.stderr().contains("nothing was installed"), refused.stderr());
        assertFalse(quick(dir, "list").stdout().contains("1.0.2"));
    }

    @Test
    void anInstalledReferenceRunsOfflineAndLockedRefusesAMovedTag(@TempDir Path dir) throws Exception {
        Map<String, String> env = withKey(dir);
        assertEquals(0, quick(dir, "key", "trust", dir.resolve("store/keys/me.pub").toString()).exitCode());
        String ref = registry.address() + "/team/moving:stable";
        assertEquals(0, quick(dir, "push", packageDir(dir, "moving", "1.0.0").toString(), ref, "--key", "me").exitCode());
        CliProcess.Result install = quick(dir, "install", ref);
        assertEquals(0, install.exitCode(), install.stderr());
        JsonNode lock = JSON.readTree(dir.resolve("store/ebpm.lock").toFile());
        assertEquals(ref, lock.at("/oci/0/reference").asText());

        Map<String, String> offline = new HashMap<>(env);
        offline.put("EBPM_OFFLINE", "1");
        registry.close(); // no registry at all: the run must not need one
        try {
            CliProcess.Result run = CliProcess.run(offline, Duration.ofSeconds(120), "run", "--duration", "1", ref);
            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("moving running (6 programs attached)"), run.stderr());
        } finally {
            registry = TestRegistry.start(TestRegistry.Auth.NONE);
        }
        // a fresh registry at another port: push the same name twice, so the tag moves between install and --locked
        String again = registry.address() + "/team/moving:stable";
        assertEquals(0, quick(dir, "push", packageDir(dir, "moving", "1.0.0").toString(), again, "--key", "me").exitCode());
        assertEquals(0, quick(dir, "install", again).exitCode());
        assertEquals(0, quick(dir, "push", packageDir(dir.resolve("later"), "moving", "1.1.0").toString(), again, "--key", "me").exitCode());
        CliProcess.Result locked = quick(dir, "install", "--locked", again);
        assertEquals(1, locked.exitCode());
        assertTrue(locked.stderr().contains("--locked: the tag " + again + " moved"), locked.stderr());
        CliProcess.Result unlocked = quick(dir, "install", again);
        assertEquals(0, unlocked.exitCode(), unlocked.stderr());
        assertTrue(unlocked.stdout().contains("installed moving@1.1.0"), unlocked.stdout());
    }

    @Test
    void aRegistryIsAHubWhoseSemverTagsAreVersions(@TempDir Path dir) throws Exception {
        Map<String, String> env = withKey(dir);
        assertEquals(0, quick(dir, "key", "trust", dir.resolve("store/keys/me.pub").toString()).exitCode());
        String repo = registry.address() + "/ebpf/ranged";
        for (String[] v : List.of(new String[] {"1.0.0", "1.0.0"}, new String[] {"1.2.0", "1.2.0"}, new String[] {"1.3.0", "v1.3.0"},
                new String[] {"2.0.0", "2.0.0"}, new String[] {"2.0.0", "latest"})) {
            CliProcess.Result p = quick(dir, "push", packageDir(dir, "ranged", v[0]).toString(), repo + ":" + v[1], "--key", "me");
            assertEquals(0, p.exitCode(), p.stderr());
        }
        CliProcess.Result add = quick(dir, "hub", "add", "team", "oci://" + registry.address() + "/ebpf");
        assertEquals(0, add.exitCode(), add.stderr());
        assertTrue(add.stdout().startsWith("added hub team (oci,"), "a registry is not taken for a static hub: " + add.stdout());
        CliProcess.Result http = quick(dir, "hub", "add", "team2", "http://" + registry.address() + "/ebpf");
        assertTrue(http.stdout().startsWith("added hub team2 (oci,"), http.stdout() + http.stderr());

        CliProcess.Result install = quick(dir, "install", "team/ranged@^1");
        assertEquals(0, install.exitCode(), install.stderr());
        assertTrue(install.stdout().startsWith("installed ranged@1.3.0"), "the highest tag in ^1 (v1.3.0): " + install.stdout());
        CliProcess.Result info = quick(dir, "info", "ranged");
        assertTrue(info.stdout().contains("signature:   verified") && info.stdout().contains("source:      hub:team"), info.stdout());
        JsonNode lock = JSON.readTree(dir.resolve("store/ebpm.lock").toFile());
        assertEquals("1.3.0", lock.at("/packages/0/version").asText());
        assertEquals("team", lock.at("/packages/0/hub").asText());
        CliProcess.Result none = quick(dir, "install", "team/ranged@^3");
        assertEquals(1, none.exitCode());
        assertTrue(none.stderr().contains("no version of ranged on hub team matches ^3"), none.stderr());
    }

    @Test
    void pushFormatEcliWritesWhatEcliWrites(@TempDir Path dir) throws Exception {
        byte[] wasm = OciFixtures.sigsnoopWasm();
        Path module = dir.resolve("app.wasm");
        Files.write(module, wasm);
        Map<String, String> env = OciFixtures.env(dir);
        String ref = registry.address() + "/eunomia/pushed:latest";
        CliProcess.Result push = quick(dir, "push", "--format", "ecli", module.toString(), ref);
        assertEquals(0, push.exitCode(), push.stderr());
        JsonNode m = JSON.readTree(skopeoRaw(ref));
        assertFalse(m.has("mediaType"), "ecli's manifests have no mediaType field: " + m);
        assertEquals(2, m.get("schemaVersion").asInt());
        assertEquals("application/vnd.wasm.config.v1+json", m.at("/config/mediaType").asText());
        assertEquals(2, m.at("/config/size").asInt());
        assertEquals(1, m.get("layers").size());
        assertEquals("application/vnd.wasm.content.layer.v1+wasm", m.at("/layers/0/mediaType").asText());
        assertEquals("sha256:" + Digests.sha256Hex(wasm), m.at("/layers/0/digest").asText(), "the raw module, not tarred");
        assertFalse(m.at("/layers/0").has("annotations"));
        assertEquals("app.wasm", m.at("/annotations/org.opencontainers.image.title").asText());
        CliProcess.Result pull = quick(dir, "pull", "--allow-unsigned", ref);
        assertEquals(0, pull.exitCode(), pull.stderr());
        assertTrue(pull.stdout().contains("(ecli WASM module,"), pull.stdout());
    }
}
