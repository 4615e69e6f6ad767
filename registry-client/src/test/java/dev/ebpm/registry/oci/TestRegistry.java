package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code docker-registry} (distribution 2.8) on a random loopback port with its own temp config and storage:
 * open, behind htpasswd basic auth, or behind a token service (the registry's {@code auth: token} with a certificate
 * made here by openssl, and a small token endpoint in this JVM that signs RS256 JWTs with the certificate in
 * {@code x5c}, granting the requested actions to the right user and nothing to anyone else).
 */
public final class TestRegistry implements AutoCloseable {
    public enum Auth { NONE, BASIC, TOKEN }

    public static final String USER = "ebpm-tester";
    public static final String PASSWORD = "s3cret-Pa55-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpServer tokens;

    private TestRegistry(Path dir, Process process, int port, HttpServer tokens) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.tokens = tokens;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "http://" + address();
    }

    public Path directory() {
        return dir;
    }

    public static TestRegistry start(Auth auth) throws Exception {
        Path dir = Files.createTempDirectory("ebpm-registry-");
        int port = freePort();
        StringBuilder config = new StringBuilder("""
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: %s
                """.formatted(dir.resolve("data"), port, UUID.randomUUID()));
        HttpServer tokens = null;
        if (auth == Auth.BASIC) {
            Process p = new ProcessBuilder("htpasswd", "-Bbn", USER, PASSWORD).redirectErrorStream(true).start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new IllegalStateException("htpasswd failed: " + line);
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            config.append("auth:\n  htpasswd:\n    realm: ebpm-test\n    path: ").append(dir.resolve("htpasswd")).append('\n');
        } else if (auth == Auth.TOKEN) {
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out", "token.crt", "-days", "2",
                    "-subj", "/CN=ebpm test token service");
            tokens = tokenService(dir);
            config.append("auth:\n  token:\n    realm: http://127.0.0.1:").append(tokens.getAddress().getPort()).append("/token\n")
                    .append("    service: ebpm-test-registry\n    issuer: ebpm-test-issuer\n    rootcertbundle: ").append(dir.resolve("token.crt")).append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), config);
        Process p = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        TestRegistry r = new TestRegistry(dir, p, port, tokens);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(r.url() + "/v2/").toURL().openConnection();
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) return r;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(dir.resolve("registry.log")) ? Files.readString(dir.resolve("registry.log")) : "";
                r.close();
                throw new IllegalStateException("docker-registry did not start on " + r.address() + ": " + log);
            }
            Thread.sleep(50);
        }
    }

    /** The token endpoint: Basic auth as USER/PASSWORD gets every action asked for, anyone else gets none. */
    private static HttpServer tokenService(Path dir) throws Exception {
        String certPem = Files.readString(dir.resolve("token.crt"));
        String cert = certPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] keyDer = Base64.getMimeDecoder().decode(Files.readString(dir.resolve("token.key")).replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(keyDer));
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/token", ex -> {
            try {
                String authz = ex.getRequestHeaders().getFirst("Authorization");
                boolean authenticated = authz != null && authz.equals("Basic "
                        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
                if (authz != null && !authenticated) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
                ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
                header.putArray("x5c").add(cert);
                long now = Instant.now().getEpochSecond();
                ObjectNode claims = JSON.createObjectNode().put("iss", "ebpm-test-issuer").put("sub", authenticated ? USER : "")
                        .put("aud", "ebpm-test-registry").put("exp", now + 300).put("nbf", now - 10).put("iat", now)
                        .put("jti", UUID.randomUUID().toString());
                ArrayNode access = claims.putArray("access");
                for (String part : query.split("&")) {
                    if (!part.startsWith("scope=") || !authenticated) continue;
                    String[] scope = java.net.URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8).split(":");
                    if (scope.length != 3) continue;
                    ObjectNode a = access.addObject().put("type", scope[0]).put("name", scope[1]);
                    ArrayNode actions = a.putArray("actions");
                    for (String act : scope[2].split(",")) actions.add(act);
                }
                String signing = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
                Signature sig = Signature.getInstance("SHA256withRSA");
                sig.initSign(key);
                sig.update(signing.getBytes(StandardCharsets.US_ASCII));
                String token = signing + "." + b64(sig.sign());
                byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("token", token).put("expires_in", 300));
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            } finally {
                ex.close();
            }
        });
        s.start();
        return s;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Docker config directory holding credentials for this registry (base64 {@code auths}), for DOCKER_CONFIG. */
    public Path dockerConfig(String user, String password) throws IOException {
        Path d = Files.createTempDirectory(dir, "docker-");
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(d.resolve("config.json"), "{\"auths\":{\"" + address() + "\":{\"auth\":\"" + auth + "\"}}}");
        return d;
    }

    /**
     * Uploads a blob with plain HTTP, as any client does (POST an upload, PUT it whole with its digest); anonymous, so for
     * an open registry. Returns its digest.
     */
    public String putBlob(String repository, byte[] content) throws IOException {
        String digest = "sha256:" + dev.ebpm.pkg.Digests.sha256Hex(content);
        HttpURLConnection post = (HttpURLConnection) URI.create(url() + "/v2/" + repository + "/blobs/uploads/").toURL().openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.getOutputStream().close();
        if (post.getResponseCode() != 202) throw new IOException("POST upload: HTTP " + post.getResponseCode());
        String location = post.getHeaderField("Location");
        URI put = URI.create(url()).resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        send("PUT", put, "application/octet-stream", content, 201);
        return digest;
    }

    /** PUTs a manifest or index under {@code reference} with {@code contentType}; returns its digest. */
    public String putManifest(String repository, String reference, String contentType, byte[] manifest) throws IOException {
        // printed so that the test's report shows each artifact exactly as written (docs/oci.md quotes them)
        System.out.println("PUT " + repository + ":" + reference + " (" + contentType + ")\n" + new String(manifest, StandardCharsets.UTF_8));
        send("PUT", URI.create(url() + "/v2/" + repository + "/manifests/" + reference), contentType, manifest, 201);
        return "sha256:" + dev.ebpm.pkg.Digests.sha256Hex(manifest);
    }

    /** The manifest {@code reference} names, as served. */
    public byte[] manifest(String repository, String reference) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/" + repository + "/manifests/" + reference).toURL().openConnection();
        c.setRequestProperty("Accept", MediaTypes.ACCEPT_MANIFESTS);
        if (c.getResponseCode() != 200) throw new IOException("GET manifest " + reference + ": HTTP " + c.getResponseCode());
        try (var in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static void send(String method, URI uri, String contentType, byte[] body, int expect) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod(method);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", contentType);
        c.setFixedLengthStreamingMode(body.length);
        try (var out = c.getOutputStream()) {
            out.write(body);
        }
        int code = c.getResponseCode();
        if (code != expect) {
            var err = c.getErrorStream();
            throw new IOException(method + " " + uri + ": HTTP " + code + " " + (err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tokens != null) tokens.stop(0);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

}
