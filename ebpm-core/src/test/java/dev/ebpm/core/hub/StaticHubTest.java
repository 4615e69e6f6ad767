package dev.ebpm.core.hub;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.registry.Downloader;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.HubRefusedException;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransferListener;
import dev.ebpm.registry.hubs.HttpIndexHub;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eunomia/LMP static layout: served by nginx, by a local directory, and by the ebpm hub itself. */
class StaticHubTest {
    @TempDir Path tmp;

    static final byte[] SIGSNOOP = "{\"bpf_skel\":{\"obj_name\":\"sigsnoop_bpf\"}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0};

    Path eunomiaLayout() throws Exception {
        Path root = tmp.resolve("www");
        Files.createDirectories(root.resolve("sigsnoop"));
        Files.write(root.resolve("sigsnoop/package.json"), SIGSNOOP);
        Files.createDirectories(root.resolve("wasmtool"));
        Files.write(root.resolve("wasmtool/app.wasm"), WASM);
        // both: WASM first, as ecli looked them up
        Files.createDirectories(root.resolve("both"));
        Files.write(root.resolve("both/app.wasm"), WASM);
        Files.write(root.resolve("both/package.json"), SIGSNOOP);
        return root;
    }

    @Test
    void nginxServingAnEunomiaDirectoryIsAHub() throws Exception {
        if (Nginx.binary().isEmpty()) {
            System.out.println("SKIPPED nginxServingAnEunomiaDirectoryIsAHub: nginx is not installed (apt-get install nginx)");
            assumeTrue(false, "nginx is not installed");
        }
        Path root = eunomiaLayout();
        try (Nginx nginx = Nginx.serve(root, tmp.resolve("nginx"))) {
            TestHub.TestClient c = TestHub.client(tmp.resolve("store"), nginx.url(), "static", false);
            FetchedPackage f = c.fetch("sigsnoop");
            String sha = Digests.sha256Hex(SIGSNOOP);
            assertEquals("sigsnoop@0.0.0-static+" + sha.substring(0, 12), f.id());
            assertEquals(PackageKind.BPF, f.manifest().kind());
            assertEquals("package.json", f.manifest().entry());
            assertEquals(sha, f.manifest().files().get("package.json").sha256());
            assertArrayEquals(SIGSNOOP, f.entryBytes());
            assertNull(f.archive());

            FetchedPackage w = c.fetch("test/wasmtool");
            assertEquals(PackageKind.WASM, w.manifest().kind());
            assertEquals("app.wasm", w.manifest().entry());
            assertEquals(PackageKind.WASM, c.fetch("both").manifest().kind());

            RegistryException versioned = assertThrows(RegistryException.class, () -> c.fetch("sigsnoop@^1"));
            assertTrue(versioned.getMessage().contains("is unversioned"), versioned.getMessage());
            assertEquals("no package nosuch on hub test", assertThrows(RegistryException.class, () -> c.fetch("nosuch")).getMessage());
        }
    }

    @Test
    void directoryHubUsesEbpmJsonWhenPresent() throws Exception {
        Path root = eunomiaLayout();
        Files.writeString(root.resolve("sigsnoop/ebpm.json"),
                "{\"name\":\"sigsnoop\",\"version\":\"0.2.0\",\"description\":\"trace signals\",\"keywords\":[\"signal\"],\"requires\":{\"btf\":true}}");
        Path store = tmp.resolve("store");
        TestHub.TestClient c = new TestHub.TestClient(Settings.defaults(store).examples(Optional.of(root), Optional.empty()));
        HubList.load(c.open()).remove(HubList.EUNOMIA);
        FetchedPackage f = c.fetch("sigsnoop");
        assertEquals("sigsnoop@0.2.0", f.id());
        assertEquals("examples", f.hub());
        assertEquals("trace signals", f.manifest().description());
        assertTrue(f.manifest().requires().btf());
        assertTrue(c.fetch("wasmtool").manifest().version().toString().startsWith("0.0.0-static+"));
        assertEquals(1, c.search("signal").size());
        // the examples hub works offline: it is a directory
        TestHub.TestClient offline = c.offline();
        assertEquals("sigsnoop@0.2.0", offline.fetch("sigsnoop").id());
    }

    @Test
    void theEbpmHubServesTheStaticLayoutToo() throws Exception {
        try (TestHub hub = new TestHub(tmp.resolve("hub"), 1 << 20)) {
            byte[] entry = "{\"pkg\":\"v2\"}".getBytes(StandardCharsets.UTF_8);
            TestHub.TestClient pub = hub.client(tmp.resolve("pub"));
            pub.indexHub("test").publish(TestHub.write(tmp.resolve("out"), TestHub.archive("sigsnoop", "1.0.0"), "a.ebpm"), hub.token, null);
            pub.indexHub("test").publish(TestHub.write(tmp.resolve("out"), TestHub.archive("sigsnoop", "2.0.0", entry), "b.ebpm"), hub.token, null);
            // an eunomia-style client sees the current version's entry file
            TestHub.TestClient c = TestHub.client(tmp.resolve("store"), hub.url(), "static", false);
            assertArrayEquals(entry, c.fetch("sigsnoop").entryBytes());
        }
    }
}
