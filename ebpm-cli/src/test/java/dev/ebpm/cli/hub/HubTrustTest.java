package dev.ebpm.cli.hub;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebpm.hub.HubMain;
import dev.ebpm.hub.HubServer;
import dev.ebpm.hub.HubStore;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed hubs end to end: a real hub server on loopback, reached through a man-in-the-middle proxy that can replay or
 * replace what the hub serves. Each refusal checks the exact error line, exit 1, and that nothing was stored.
 */
class HubTrustTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    Path data;
    HubStore hub;
    HubServer server;
    HttpServer proxy;
    /** Path → body the proxy serves instead of the hub's. */
    final Map<String, byte[]> replace = new ConcurrentHashMap<>();
    /** What the proxy last relayed, by path. */
    final Map<String, byte[]> seen = new ConcurrentHashMap<>();
    String token;
    String url;

    record Run(int code, String out, String err) {
        String error() {
            return err.strip().lines().reduce((a, b) -> b).orElse("");
        }
    }

    @BeforeEach
    void start() throws Exception {
        data = tmp.resolve("hub");
        hub = HubStore.open(data, 1 << 20);
        token = hub.createToken("alice");
        server = HubServer.start(hub, new InetSocketAddress("127.0.0.1", 0), 16);
        HttpClient upstream = HttpClient.newHttpClient();
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = replace.get(path);
            int status = 200;
            if (body == null) {
                try {
                    HttpResponse<byte[]> r = upstream.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    body = r.body();
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
                if (status == 200) seen.put(path, body);
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) ex.getResponseBody().write(body);
            ex.close();
        });
        proxy.start();
        url = "http://127.0.0.1:" + proxy.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        proxy.stop(0);
        server.close();
        hub.close();
    }

    Run ebpm(String store, String... args) {
        CliProcess.Result r = InProcess.execute(InProcess.withStore(tmp.resolve(store).toString(), args));
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    Run ok(String store, String... args) {
        Run r = ebpm(store, args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
        return r;
    }

    Run refused(String store, String expected, String... args) throws Exception {
        Run r = ebpm(store, args);
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("ebpm: error: " + expected, r.error(), r.err());
        return r;
    }

    void assertNothingInstalled(String store) throws Exception {
        assertEquals("no packages installed\n", ok(store, "list").out());
        Path blobs = tmp.resolve(store).resolve("blobs");
        if (Files.isDirectory(blobs)) {
            try (Stream<Path> s = Files.walk(blobs)) {
                assertEquals(0, s.filter(Files::isRegularFile).count(), "blobs were written");
            }
        }
    }

    /** A client store with only this hub, its key pinned on first use. */
    Run client(String store) {
        ok(store, "hub", "remove", "eunomia");
        ok(store, "hub", "remove", "examples");
        return ok(store, "hub", "add", "h", url, "--trust-on-first-use");
    }

    Path packageDir(String version) throws Exception {
        Path dir = tmp.resolve("pkg-" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"tracedemo\",\"version\":\"" + version + "\",\"kind\":\"bpf\","
                + "\"entry\":\"package.json\",\"description\":\"trust demo\",\"files\":{}}");
        Files.writeString(dir.resolve("package.json"), "{\"bpf_skel\":{\"obj_name\":\"tracedemo_bpf\"}}");
        return dir;
    }

    /** alice's key (made in the publisher's store "pub") registered on the hub for publisher alice. */
    Path aliceKey() throws Exception {
        ok("pub", "key", "generate", "--name", "alice", "--no-passphrase");
        Path pub = tmp.resolve("pub/keys/alice.pub");
        assertEquals(0, HubMain.run(new String[] {"publisher", "key", "--data", data.toString(), "--publisher", "alice", "--key", pub.toString()},
                new PrintStream(new ByteArrayOutputStream()), System.err));
        return pub;
    }

    Run publish(String version, String... extra) throws Exception {
        String[] args = new String[6 + extra.length];
        // straight to the hub: the proxy only relays reads
        System.arraycopy(new String[] {"publish", packageDir(version).toString(), "--hub", server.uri().toString(), "--token", token}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        return ebpm("pub", args);
    }

    static String fp(Path pubFile) throws Exception {
        return PublicKey.parse(Files.readString(pubFile)).fingerprint().display();
    }

    @Test
    void trustOnFirstUsePinsTheHubKeyAndPrintsItsFingerprint() throws Exception {
        Run add = client("c");
        String fp = hub.hubKey().fingerprint().display();
        assertEquals("added hub h (index, priority 50): " + url + "\n"
                + "trusted hub key " + fp + " for hub h (trust on first use)\n"
                + "  compare it with the fingerprint the hub's admin publishes (ebpm-hub key show)\n", add.out());
        assertTrue(ok("c", "key", "list").out().lines().anyMatch(l -> l.startsWith("  " + fp) && l.contains(" h ") && l.contains("tofu")));

        // without the pin, the signed index is refused: its key is not trusted for the hub
        ok("d", "hub", "remove", "eunomia");
        ok("d", "hub", "remove", "examples");
        Run plain = ok("d", "hub", "add", "h", url);
        assertTrue(plain.out().contains("its index must be signed by a key you trust for it: ebpm key trust HUB.pub --hub h"), plain.out());
        refused("d", "index of hub h is signed by key " + fp + ", which is not trusted for hub h; refused (if you trust the signer: ebpm key trust KEYFILE --hub h)",
                "install", "tracedemo");
        assertNothingInstalled("d");
    }

    @Test
    void publishSignedThenInstallFromASecondStoreVerifiedEndToEnd() throws Exception {
        Path alice = aliceKey();
        Run pub = publish("1.0.0", "--key", "alice");
        assertEquals(0, pub.code(), pub.err());
        assertTrue(pub.out().startsWith("published tracedemo@1.0.0 to " + server.uri() + " ("), pub.out());
        assertTrue(pub.out().contains(", signed)"), pub.out());

        // the index serves the envelope; a client trusting alice for this hub installs it verified
        JsonNode sig = JSON.readTree(hub.snapshot().index().json()).at("/packages/0/versions/0/signature");
        assertEquals(PublicKey.parse(Files.readString(alice)).fingerprint().hex(), sig.path("key").asText());
        client("c");
        ok("c", "key", "trust", alice.toString(), "--hub", "h");
        Run install = ok("c", "install", "tracedemo");
        assertEquals("", install.err());
        assertTrue(ok("c", "info", "tracedemo").out().contains("  signature:   verified: key " + fp(alice) + ", hub h\n"));

        // a third store that trusts the hub but not alice is refused, nothing stored
        client("e");
        refused("e", "package tracedemo@1.0.0 is signed by key " + fp(alice) + ", which is not trusted for hub h; refused"
                + " (if you trust the signer: ebpm key trust KEYFILE --hub h); nothing was installed (or, unverified: --allow-unsigned)",
                "install", "tracedemo");
        assertNothingInstalled("e");
    }

    @Test
    void hubRefusesUploadsNotSignedByThePublishersKey() throws Exception {
        aliceKey();
        ok("pub", "key", "generate", "--name", "mallory", "--no-passphrase");
        String mallory = fp(tmp.resolve("pub/keys/mallory.pub"));
        Run bad = publish("1.0.0", "--key", "mallory");
        assertEquals(1, bad.code());
        assertEquals("ebpm: error: hub " + server.uri() + " refused (HTTP 403, unknown_key): tracedemo@1.0.0 is signed by key " + mallory
                + ", which is not registered for publisher alice", bad.error());
        Run unsigned = publish("1.0.0");
        assertEquals(1, unsigned.code());
        assertEquals("ebpm: error: hub " + server.uri() + " refused (HTTP 400, signature_required): publisher alice has a registered signing key:"
                + " tracedemo@1.0.0 must be signed with it (ebpm publish --key NAME)", unsigned.error());
        assertTrue(hub.snapshot().packages().isEmpty(), "the hub stored a refused upload");
    }

    @Test
    void anIndexReplayedFromAnOlderVersionIsRefused() throws Exception {
        client("c");                                   // index version 1 (empty)
        assertEquals(0, publish("1.0.0").code());      // version 2
        ok("c", "hub", "info", "tracedemo");         // reads the index (search asks the hub's search endpoint instead)
        byte[] oldIndex = seen.get("/index.json");
        byte[] oldSig = seen.get("/index.json.sig");
        assertEquals(2, IndexSignature.parse(oldSig).version());
        assertEquals(0, publish("1.1.0").code());      // version 3, seen by the client
        ok("c", "hub", "info", "tracedemo");

        replace.put("/index.json", oldIndex);
        replace.put("/index.json.sig", oldSig);
        refused("c", "index of hub h is version 2, older than version 3 already seen: an old index is being replayed (rollback); refused",
                "install", "tracedemo", "--allow-unsigned");
        assertNothingInstalled("c");
    }

    @Test
    void anExpiredIndexIsRefused() throws Exception {
        client("c");
        assertEquals(0, publish("1.0.0").code());
        // signed with the hub's own key, newer than anything seen, but expired an hour ago (a frozen mirror)
        SecretKey key = SecretKeyFile.read(data.resolve("hub.key"), null);
        byte[] index = hub.snapshot().index().json();
        Instant expired = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        replace.put("/index.json", index);
        replace.put("/index.json.sig", IndexSignature.sign(key, index, 100, expired).toJson());
        refused("c", "index of hub h expired at " + expired + " (60 min ago): the hub stopped re-signing it, or an old index is being replayed"
                + " (freeze); refused", "install", "tracedemo", "--allow-unsigned");
        assertNothingInstalled("c");
    }

    @Test
    void anArchiveWhoseDigestDiffersFromTheIndexIsRefused() throws Exception {
        client("c");
        assertEquals(0, publish("1.0.0").code());
        JsonNode v = JSON.readTree(hub.snapshot().index().json()).at("/packages/0/versions/0");
        String sha = v.path("sha256").asText();
        byte[] archive = Files.readAllBytes(hub.blob(sha).orElseThrow());
        byte[] altered = archive.clone();
        altered[altered.length / 2] ^= 1;
        String alteredSha = dev.ebpm.pkg.Digests.sha256Hex(altered);
        replace.put("/blobs/sha256/" + sha, altered);
        refused("c", "download of " + url + "blobs/sha256/" + sha + ": sha256 mismatch: the index lists " + sha + ", the download is "
                + alteredSha + "; nothing was stored", "install", "tracedemo", "--allow-unsigned");
        assertNothingInstalled("c");
    }

    @Test
    void runOfAHubPackageRefusesUnsignedUnlessAllowed() throws Exception {
        client("c");
        assertEquals(0, publish("1.0.0").code());
        refused("c", "package tracedemo@1.0.0 is not signed; refused, nothing was run (to run it anyway, unverified: --allow-unsigned)",
                "run", "tracedemo");
        assertNothingInstalled("c");
        // with --allow-unsigned it gets past the signature check, warned, to the package itself
        Run allowed = ebpm("c", "run", "--allow-unsigned", "tracedemo");
        assertTrue(allowed.err().startsWith("ebpm: warning: running tracedemo@1.0.0 UNSIGNED (--allow-unsigned): nothing vouches for where it came from\n"),
                allowed.err());
    }
}
