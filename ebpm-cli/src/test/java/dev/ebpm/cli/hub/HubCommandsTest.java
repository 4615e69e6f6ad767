package dev.ebpm.cli.hub;

import dev.ebpm.core.install.Installer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.hub.HubServer;
import dev.ebpm.hub.HubStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub commands in-process against a real hub server on loopback: what a user reads, and exit codes. */
class HubCommandsTest {
    @TempDir Path tmp;
    HubStore store;
    HubServer server;
    String token;

    record Run(int code, String out, String err) {
        /** The error line a user reads (progress and notes come before it). */
        String error() {
            return err.strip().lines().reduce((a, b) -> b).orElse("");
        }
    }

    @BeforeEach
    void start() throws Exception {
        store = HubStore.open(tmp.resolve("hub"), 1 << 20);
        token = store.createToken("alice");
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), 64);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    Run ebpm(String... args) {
        CliProcess.Result r = InProcess.execute(InProcess.withStore(tmp.resolve("store").toString(), args));
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    Path packageDir(String version) throws Exception {
        Path dir = tmp.resolve("pkg-" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"sigsnoop\",\"version\":\"" + version + "\",\"kind\":\"bpf\","
                + "\"entry\":\"package.json\",\"description\":\"trace signals\",\"keywords\":[\"signal\"],\"files\":{}}");
        Files.writeString(dir.resolve("package.json"), "{\"bpf_skel\":{}}");
        return dir;
    }

    @Test
    void publishSearchInfoFetchYank() throws Exception {
        assertEquals(0, ebpm("hub", "remove", "eunomia").code());
        Run add = ebpm("hub", "add", "test", server.uri().toString(), "--trust-on-first-use");
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().startsWith("added hub test (index, priority 50)"), add.out());
        assertTrue(ebpm("hub", "list").out().contains("test         index      50"));

        Run pub = ebpm("publish", packageDir("1.0.0").toString(), "--hub", "test", "--token", token);
        assertEquals(0, pub.code(), pub.err());
        assertTrue(pub.out().startsWith("published sigsnoop@1.0.0 to test ("), pub.out());
        assertTrue(pub.out().lines().anyMatch(l -> l.matches("sha256:[0-9a-f]{64}")), pub.out());

        Run again = ebpm("publish", packageDir("1.0.0").toString(), "--hub", "test", "--token", token);
        assertEquals(1, again.code());
        assertEquals("ebpm: error: hub test refused (HTTP 409, exists): sigsnoop@1.0.0 is already published; versions are immutable, publish a new version",
                again.error());
        Run noToken = ebpm("publish", packageDir("1.0.1").toString(), "--hub", "test", "--token", "ebpm_wrong");
        assertEquals("ebpm: error: hub test refused (HTTP 401, unauthorized): the token is not valid on this hub", noToken.error());

        Run search = ebpm("search", "SIGNAL");
        assertTrue(search.out().contains("sigsnoop                 1.0.0          test       trace signals"), search.out());
        assertTrue(ebpm("search", "signal", "--json").out().contains("\"name\":\"sigsnoop\""));

        Run info = ebpm("hub", "info", "sigsnoop");
        assertTrue(info.out().startsWith("sigsnoop (hub test, "), info.out());
        assertTrue(info.out().contains("1.0.0"), info.out());

        Run fetch = ebpm("hub", "fetch", "sigsnoop@^1", "-o", tmp.resolve("out").toString());
        assertEquals(0, fetch.code(), fetch.err());
        assertTrue(Files.isRegularFile(tmp.resolve("out/sigsnoop-1.0.0.ebpm")));
        assertTrue(Files.readString(tmp.resolve("store/ebpm.lock")).contains("\"sigsnoop\""));

        assertEquals(0, ebpm("yank", "sigsnoop@1.0.0", "--hub", "test", "--token", token).code());
        Run gone = ebpm("hub", "fetch", "sigsnoop");
        assertEquals(1, gone.code());
        assertEquals("ebpm: error: no version of sigsnoop on hub test matches *; it has 1.0.0 (yanked)", gone.error());
        // the lockfile still gets the yanked version
        assertEquals(0, ebpm("hub", "fetch", "sigsnoop", "--locked").code());

        Run offlineMissing = ebpm("hub", "fetch", "nosuch", "--offline");
        assertEquals(1, offlineMissing.code());
        assertEquals("ebpm: error: no package nosuch on hub test", offlineMissing.error());
    }

    @Test
    void installFromAHubIntoTheStore() throws Exception {
        assertEquals(0, ebpm("hub", "remove", "eunomia").code());
        assertEquals(0, ebpm("hub", "add", "test", server.uri().toString(), "--trust-on-first-use").code());
        assertEquals(0, ebpm("publish", packageDir("2.0.0").toString(), "--hub", "test", "--token", token).code());
        Path root = tmp.resolve("store");
        try (Session s = Session.open(Settings.defaults(root))) {
            // the packages were published unsigned: installed as a user would with --allow-unsigned
            Installer installer = new Installer(s);
            dev.ebpm.store.InstallResult r = installer.install(PackageSpec.parse("sigsnoop@^2"), Installer.Request.allowingUnsigned());
            assertEquals("sigsnoop@2.0.0", r.id());
            assertTrue(!r.alreadyInstalled());
            assertEquals("hub:test", s.store().packages().info(r.name(), r.version()).installed().source().toString());
            assertTrue(installer.install(PackageSpec.parse("sigsnoop"), Installer.Request.allowingUnsigned()).alreadyInstalled());
            assertTrue(PackageSpec.parse("sigsnoop@^2") instanceof PackageSpec.Named && PackageSpec.parse("test/sigsnoop") instanceof PackageSpec.Named
                    && !(PackageSpec.parse("./x.ebpm") instanceof PackageSpec.Named) && !(PackageSpec.parse("https://h/x.ebpm") instanceof PackageSpec.Named));
        }
    }
}
