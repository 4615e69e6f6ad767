package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * A real hub on loopback for the page tests, and publishers that upload through the protocol ({@code PUT} with the
 * archive, signed with their registered key when they have one) as {@code ebpm publish} does.
 */
final class PagesFixture implements AutoCloseable {
    /** A publisher: its token, and its signing key (null: it uploads unsigned). */
    record Publisher(String name, String token, SecretKey key) {}

    /** What a test package holds; {@code readme} null for none. */
    record Pkg(String name, String version, PackageKind kind, String description, List<String> keywords, String license,
               String homepage, PackageManifest.Requires requires, String readme) {
        Pkg withVersion(String v, String newReadme) {
            return new Pkg(name, v, kind, description, keywords, license, homepage, requires, newReadme);
        }
    }

    final Path data;
    final HubStore store;
    final HubServer server;
    final HttpClient http = HttpClient.newHttpClient();

    PagesFixture(Path data) throws IOException {
        this.data = data;
        this.store = HubStore.open(data, 1 << 20);
        this.server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), 64);
    }

    /** A publisher with a registered signing key: every upload of it is signed. */
    Publisher signingPublisher(String name) {
        SecretKey key = SecretKey.generate(name);
        String token = store.createToken(name);
        store.addPublisherKey(name, key.publicKey());
        return new Publisher(name, token, key);
    }

    Publisher unsignedPublisher(String name) {
        return new Publisher(name, store.createToken(name), null);
    }

    /** Uploads the package; returns the archive's SHA-256. */
    String publish(Publisher who, Pkg p) {
        byte[] entry = p.kind() == PackageKind.WASM ? new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}
                : ("{\"bpf_skel\":{\"obj_name\":\"" + p.name().replace('-', '_') + "_bpf\"}}").getBytes(StandardCharsets.UTF_8);
        String entryName = p.kind() == PackageKind.WASM ? "app.wasm" : "package.json";
        PackageManifest.Builder b = PackageManifest.builder().name(p.name()).version(p.version()).description(p.description())
                .keywords(p.keywords()).license(p.license()).homepage(p.homepage()).authors(List.of(who.name() + " <" + who.name() + "@example.org>"))
                .kind(p.kind()).entry(entryName).requires(p.requires()).file(entryName, entry);
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put(entryName, entry);
        if (p.readme() != null) {
            byte[] readme = p.readme().getBytes(StandardCharsets.UTF_8);
            b.file("README.md", readme);
            files.put("README.md", readme);
        }
        PackageManifest m = b.build();
        byte[] archive = PackageArchive.pack(m, files);
        HttpRequest.Builder put = HttpRequest.newBuilder(uri("/api/v1/packages/" + p.name() + "/" + p.version()))
                .header("Authorization", "Bearer " + who.token()).PUT(HttpRequest.BodyPublishers.ofByteArray(archive));
        if (who.key() != null) {
            byte[] sig = SignatureEnvelope.sign(who.key(), m, m.toJson()).toJson();
            put.header("Ebpm-Signature", Base64.getEncoder().encodeToString(sig));
        }
        HttpResponse<String> r = send(put.build());
        assertEquals(201, r.statusCode(), r.body());
        return Digests.sha256Hex(archive);
    }

    void yank(Publisher who, String name, String version) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/packages/" + name + "/" + version + "/yank"))
                .header("Authorization", "Bearer " + who.token()).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Downloads an archive as a client does, {@code times} times. */
    void download(String sha256, int times) {
        for (int i = 0; i < times; i++) assertEquals(200, get("/blobs/sha256/" + sha256).statusCode());
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    URI uri(String path) {
        return server.uri().resolve(path);
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An example's README.md from this repository (examples/NAME/README.md). */
    static String exampleReadme(String example) throws IOException {
        return Files.readString(Path.of(System.getProperty("ebpm.repo.root", "..")).resolve("examples").resolve(example).resolve("README.md"));
    }

    static PackageManifest.Requires tracepoints(boolean ringbuf) {
        return new PackageManifest.Requires(true, ringbuf, List.of("tracepoint"), ringbuf ? "5.8" : "5.4");
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
