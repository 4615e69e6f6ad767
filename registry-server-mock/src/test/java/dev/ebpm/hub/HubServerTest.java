package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server alone, over real HTTP on loopback, with the JDK's client. */
class HubServerTest {
    @TempDir Path data;
    HubStore store;
    HubServer server;
    String alice;
    String bob;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        store = HubStore.open(data, 64 * 1024);
        alice = store.createToken("alice");
        bob = store.createToken("bob");
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), 64);
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    static byte[] archive(String name, String version, String content) {
        byte[] entry = content.getBytes(StandardCharsets.UTF_8);
        PackageManifest m = PackageManifest.builder().name(name).version(version).description("test package " + name)
                .keywords(List.of("signals")).kind(PackageKind.BPF).entry("package.json").file("package.json", entry).build();
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", entry);
        return PackageArchive.pack(m, files);
    }

    HttpResponse<byte[]> put(String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return ReadSnapshot.JSON.readTree(r.body());
    }

    void assertError(HttpResponse<byte[]> r, int status, String code, String messagePart) throws IOException {
        assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode j = json(r);
        assertEquals(code, j.path("code").asText());
        assertTrue(j.path("error").asText().contains(messagePart), j.path("error").asText());
    }

    @Test
    void publishThenServeIndexBlobAndStaticLayout() throws Exception {
        byte[] a = archive("sigsnoop", "1.0.0", "{\"v\":1}");
        HttpResponse<byte[]> r = put("/api/v1/packages/sigsnoop/1.0.0", alice, a);
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(Digests.sha256Hex(a), json(r).path("sha256").asText());

        HttpResponse<byte[]> idx = get("/index.json");
        assertEquals(200, idx.statusCode());
        JsonNode v = json(idx).path("packages").get(0).path("versions").get(0);
        assertEquals("1.0.0", v.path("version").asText());
        assertEquals(Digests.sha256Hex(a), v.path("sha256").asText());
        assertEquals(a.length, v.path("size").asLong());
        assertEquals("bpf", v.path("kind").asText());
        assertFalse(v.path("yanked").asBoolean());
        assertTrue(v.has("signature") && v.get("signature").isNull());
        assertTrue(v.path("requires").has("btf"));

        String etag = idx.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/index.json", "If-None-Match", etag).statusCode());
        assertEquals(200, get("/index/sigsnoop.json").statusCode());
        assertArrayEquals(a, get("/blobs/sha256/" + Digests.sha256Hex(a)).body());
        assertEquals("{\"v\":1}", new String(get("/sigsnoop/package.json").body(), StandardCharsets.UTF_8));
        assertEquals(404, get("/sigsnoop/app.wasm").statusCode());

        // a newer version becomes the static layout's current one; yanking it falls back
        assertEquals(201, put("/api/v1/packages/sigsnoop/1.1.0", alice, archive("sigsnoop", "1.1.0", "{\"v\":2}")).statusCode());
        assertEquals("{\"v\":2}", new String(get("/sigsnoop/package.json").body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> y = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/packages/sigsnoop/1.1.0/yank"))
                .header("Authorization", "Bearer " + alice).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, y.statusCode());
        assertEquals("{\"v\":1}", new String(get("/sigsnoop/package.json").body(), StandardCharsets.UTF_8));
        assertTrue(json(get("/index/sigsnoop.json")).path("versions").get(1).path("yanked").asBoolean());
        assertEquals(304, get("/blobs/sha256/" + Digests.sha256Hex(a), "If-None-Match", "\"" + Digests.sha256Hex(a) + "\"").statusCode());
    }

    @Test
    void everyRefusalHasItsStatusAndJsonBody() throws Exception {
        byte[] a = archive("sigsnoop", "1.0.0", "{}");
        assertError(put("/api/v1/packages/sigsnoop/1.0.0", null, a), 401, "unauthorized", "needs a token");
        assertError(put("/api/v1/packages/sigsnoop/1.0.0", "ebpm_forged", a), 401, "unauthorized", "not valid");
        assertEquals(201, put("/api/v1/packages/sigsnoop/1.0.0", alice, a).statusCode());
        assertError(put("/api/v1/packages/sigsnoop/1.0.0", alice, a), 409, "exists", "already published");
        assertError(put("/api/v1/packages/sigsnoop/2.0.0", bob, archive("sigsnoop", "2.0.0", "{}")), 403, "forbidden", "owned by another publisher");
        assertError(put("/api/v1/packages/other/1.0.0", bob, a), 400, "name_mismatch", "the archive is sigsnoop@1.0.0");
        assertError(put("/api/v1/packages/sigsnoop/1.0.1", alice, a), 400, "version_mismatch", "sigsnoop@1.0.0");
        assertError(put("/api/v1/packages/junk/1.0.0", bob, "not a gzip".getBytes(StandardCharsets.UTF_8)), 400, "bad_archive", "gzip");
        assertError(put("/api/v1/packages/junk/1.0.0", bob, new byte[0]), 400, "bad_archive", "empty upload");
        assertError(put("/api/v1/packages/Bad%20Name/1.0.0", bob, a), 400, "bad_request", "invalid package name");
        byte[] big = new byte[100 * 1024];
        new java.util.Random(1).nextBytes(big);
        assertError(put("/api/v1/packages/big/1.0.0", bob, big), 413, "too_large", "over this hub's limit");
        assertError(get("/blobs/sha256/" + "0".repeat(64)), 404, "not_found", "no blob");
        assertError(get("/index/nosuch.json"), 404, "not_found", "no package nosuch");
        HttpResponse<byte[]> y = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/packages/sigsnoop/1.0.0/yank"))
                .header("Authorization", "Bearer " + bob).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(y, 403, "forbidden", "may not yank");
        // nothing half-written is left from the refused uploads
        try (Stream<Path> s = Files.list(data.resolve("tmp"))) {
            assertEquals(0, s.count());
        }
        assertEquals(1, json(get("/index.json")).path("packages").size());
    }

    @Test
    void lookAlikeNamesAreRefused() throws Exception {
        assertEquals(201, put("/api/v1/packages/sigsnoop/1.0.0", alice, archive("sigsnoop", "1.0.0", "{}")).statusCode());
        for (String lookAlike : List.of("sig-snoop", "sig_snoop")) {
            HttpResponse<byte[]> r = put("/api/v1/packages/" + lookAlike + "/1.0.0", bob, archive(lookAlike, "1.0.0", "{}"));
            assertEquals(409, r.statusCode());
            assertEquals("{\"code\":\"name_taken\",\"error\":\"package name " + lookAlike + " is taken: it is the same name as sigsnoop"
                    + " (names that differ only in case, '-' or '_' are one name)\"}", new String(r.body(), StandardCharsets.UTF_8));
            // the owner cannot make a second spelling either
            assertEquals(409, put("/api/v1/packages/" + lookAlike + "/1.0.0", alice, archive(lookAlike, "1.0.0", "{}")).statusCode());
        }
        // refused before the body was stored: nothing of them is served
        assertEquals(1, json(get("/index.json")).path("packages").size());
        assertEquals(201, put("/api/v1/packages/sigsnoop2/1.0.0", bob, archive("sigsnoop2", "1.0.0", "{}")).statusCode());
    }

    @Test
    void packagesSurviveARestart() throws Exception {
        byte[] a = archive("opensnoop", "0.1.0", "{\"o\":1}");
        assertEquals(201, put("/api/v1/packages/opensnoop/0.1.0", alice, a).statusCode());
        String before = new String(get("/index.json").body(), StandardCharsets.UTF_8);
        stop();
        store = HubStore.open(data, 64 * 1024);
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), 64);
        assertEquals(before, new String(get("/index.json").body(), StandardCharsets.UTF_8));
        assertArrayEquals(a, get("/blobs/sha256/" + Digests.sha256Hex(a)).body());
        // the token still works after the restart
        assertEquals(201, put("/api/v1/packages/opensnoop/0.2.0", alice, archive("opensnoop", "0.2.0", "{}")).statusCode());
    }

    @Test
    void adminCommandPrintsATokenOnceAndStoresOnlyItsHash() throws Exception {
        Path dir = data.resolve("admin");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = HubMain.run(new String[] {"token", "create", "--data", dir.toString(), "--publisher", "carol"}, new PrintStream(out), System.err);
        assertEquals(0, rc);
        String token = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(token.startsWith("ebpm_"), token);
        byte[] db = Files.readAllBytes(dir.resolve(HubDatabase.FILE));
        assertFalse(new String(db, StandardCharsets.ISO_8859_1).contains(token));
        assertEquals(2, HubMain.run(new String[] {"frobnicate"}, System.out, new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void uploadCutOffHalfWayLeavesNothingVisible() throws Exception {
        byte[] a = archive("halfway", "1.0.0", "{\"x\":1}");
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = sock.getOutputStream();
            out.write(("PUT /api/v1/packages/halfway/1.0.0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice
                    + "\r\nContent-Length: " + a.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(a, 0, a.length / 2);
            out.flush();
        }
        // the server notices the cut, drops its temp file and commits nothing
        for (int i = 0; i < 100; i++) {
            try (Stream<Path> s = Files.list(data.resolve("tmp"))) {
                if (s.findAny().isEmpty()) break;
            }
            Thread.sleep(20);
        }
        try (Stream<Path> s = Files.list(data.resolve("tmp"))) {
            assertEquals(0, s.count());
        }
        assertEquals(0, json(get("/index.json")).path("packages").size());
        assertEquals(404, get("/halfway/package.json").statusCode());
        // and the same version can still be published whole
        assertEquals(201, put("/api/v1/packages/halfway/1.0.0", alice, a).statusCode());
    }

    @Test
    void chunkedAndExpectContinueUploads() throws Exception {
        byte[] a = archive("chunky", "1.0.0", "{}");
        HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/packages/chunky/1.0.0"))
                .header("Authorization", "Bearer " + alice)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(a))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, chunked.statusCode(), new String(chunked.body(), StandardCharsets.UTF_8));
        byte[] b = archive("chunky", "1.1.0", "{}");
        HttpResponse<byte[]> expect = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/packages/chunky/1.1.0"))
                .header("Authorization", "Bearer " + alice).expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, expect.statusCode());
        // refused before the body is wanted: no 100, the final answer comes at once (raw socket: the JDK 17 client
        // waits forever for a 100 that is not coming, JDK-8286171)
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
            sock.setSoTimeout(5000);
            sock.getOutputStream().write(("PUT /api/v1/packages/chunky/1.2.0 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                    + b.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            assertEquals("HTTP/1.1 401 Unauthorized", line);
        }
        assertEquals(2, json(get("/index/chunky.json")).path("versions").size());
        // malformed requests get a 400, not a hang
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
            sock.setSoTimeout(5000);
            sock.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            assertEquals("HTTP/1.1 400 Bad Request", line);
        }
    }
}
