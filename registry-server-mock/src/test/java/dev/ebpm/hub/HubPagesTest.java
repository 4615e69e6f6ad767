package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.web.PageShell;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's pages and search endpoint over real HTTP, as a client without script sees them. */
class HubPagesTest {
    @TempDir Path tmp;
    PagesFixture hub;
    PagesFixture.Publisher alice;

    static final PagesFixture.Pkg SIGSNOOP = new PagesFixture.Pkg("sigsnoop", "1.0.0", PackageKind.BPF,
            "Trace signals sent between processes", List.of("signal", "tracing"), "GPL-2.0", "https://ebpm.dev/sigsnoop",
            PagesFixture.tracepoints(true), "# sigsnoop\n\nTraces **signals**.\n");

    @BeforeEach
    void start() throws Exception {
        hub = new PagesFixture(tmp.resolve("hub"));
        alice = hub.signingPublisher("alice");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return ReadSnapshot.JSON.readTree(r.body());
    }

    @Test
    void browsersGetTheHomePageAndClientsTheJsonAtTheSameAddress() throws Exception {
        hub.publish(alice, SIGSNOOP);
        HttpResponse<String> page = hub.get("/", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertEquals(200, page.statusCode());
        assertEquals(PageShell.CONTENT_TYPE, page.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(page.body().contains("<a class=\"name\" href=\"/packages/sigsnoop\">sigsnoop</a>"), page.body());
        assertTrue(page.body().contains("ebpm hub add myhub " + hub.server.uri() + " --trust-on-first-use"), page.body());
        assertTrue(page.body().contains(hub.store.hubKey().fingerprint().display()), page.body());
        for (var h : PageShell.HEADERS.entrySet()) assertEquals(h.getValue(), page.headers().firstValue(h.getKey()).orElse(null), h.getKey());
        assertEquals("Accept", page.headers().firstValue("Vary").orElse(null));

        HttpResponse<String> about = hub.get("/");
        assertEquals("application/json", about.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("/api/v1/search", json(about).path("search").asText());
        assertEquals("Accept", about.headers().firstValue("Vary").orElse(null));
    }

    @Test
    void thePackagePageIsReadableWithoutScript() throws Exception {
        String old = hub.publish(alice, SIGSNOOP);
        String current = hub.publish(alice, SIGSNOOP.withVersion("1.1.0", "# sigsnoop 1.1\n\n```\nebpm run sigsnoop\n```\n"));
        hub.yank(alice, "sigsnoop", "1.0.0");
        String page = hub.get("/packages/sigsnoop").body();
        assertTrue(page.contains("<article class=\"readme\" id=\"readme\"><h1>sigsnoop 1.1</h1>\n<pre><code>ebpm run sigsnoop\n</code></pre>"), page);
        assertTrue(page.contains("<code class=\"install\" id=\"install-line\">ebpm install sigsnoop</code>"), page);
        assertTrue(page.contains("<code>ebpm install sigsnoop@1.1.0</code>"), page);
        assertTrue(page.contains("<span class=\"fingerprint\" id=\"signer-fingerprint\">" + alice.key().fingerprint().display() + "</span>"), page);
        assertTrue(page.contains("<tr class=\"yanked\"><td><a href=\"/packages/sigsnoop/1.0.0\">1.0.0</a> <span class=\"badge yanked\">yanked</span>"), page);
        assertTrue(page.contains("sha256:" + current), page);
        assertTrue(page.contains("<span id=\"attach-types\">tracepoint</span>"), page);
        assertTrue(page.contains("Linux 5.8 or later"), page);
        assertTrue(page.contains("<a href=\"https://ebpm.dev/sigsnoop\" rel=\"nofollow noopener noreferrer\">"), page);

        String yanked = hub.get("/packages/sigsnoop/1.0.0").body();
        assertTrue(yanked.contains("id=\"yanked-banner\">sigsnoop@1.0.0 is yanked"), yanked);
        assertTrue(yanked.contains("sha256:" + old), yanked);
        assertTrue(yanked.contains("<h1>sigsnoop</h1>\n<p>Traces <strong>signals</strong>.</p>"), yanked);
        assertFalse(yanked.contains("id=\"install-line\""), "a yanked version offers an install line");

        String publisher = hub.get("/publishers/alice").body();
        assertTrue(publisher.contains("<a class=\"name\" href=\"/packages/sigsnoop\">sigsnoop</a>"), publisher);
        assertTrue(publisher.contains(alice.key().fingerprint().hex()), publisher);
    }

    @Test
    void whatIsNotThereIsAnHtml404() throws Exception {
        hub.publish(alice, SIGSNOOP);
        for (String[] c : new String[][] {{"/packages/nosuch", "There is no package nosuch on this hub."},
                {"/packages/sigsnoop/9.9.9", "Package sigsnoop has no version 9.9.9; it has 1.0.0."},
                {"/publishers/nobody", "There is no publisher nobody on this hub."}}) {
            HttpResponse<String> r = hub.get(c[0]);
            assertEquals(404, r.statusCode(), c[0]);
            assertEquals(PageShell.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(r.body().contains("<p id=\"not-found\">" + c[1] + "</p>"), r.body());
        }
        assertEquals(404, hub.get("/assets/nosuch.css").statusCode());
        HttpResponse<String> css = hub.get(PageShell.STYLESHEET.path());
        assertEquals(200, css.statusCode());
        assertEquals("public, max-age=31536000, immutable", css.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(405, hub.send(java.net.http.HttpRequest.newBuilder(hub.uri("/packages/sigsnoop"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    }

    @Test
    void aPackageNamedLikeAPageKeepsItsStaticLayout() throws Exception {
        hub.publish(alice, new PagesFixture.Pkg("packages", "1.0.0", PackageKind.BPF, "named like the pages", List.of(), null, null,
                PackageManifest.Requires.NONE, null));
        HttpResponse<String> file = hub.get("/packages/package.json");
        assertEquals(200, file.statusCode());
        assertEquals("{\"bpf_skel\":{\"obj_name\":\"packages_bpf\"}}", file.body());
        assertTrue(hub.get("/packages/packages").body().contains("<h1 id=\"package-name\">packages</h1>"));
        assertTrue(hub.get("/packages/packages").body().contains("This version has no README.md."));
    }

    @Test
    void searchRanksByNameThenKeywordsThenDescriptionAndThePageAndTheEndpointAgree() throws Exception {
        hub.publish(alice, SIGSNOOP);
        hub.publish(alice, new PagesFixture.Pkg("killsnoop", "0.1.0", PackageKind.BPF, "Trace kill() calls", List.of("signals"),
                null, null, PackageManifest.Requires.NONE, null));
        hub.publish(alice, new PagesFixture.Pkg("signal-graph", "2.0.0", PackageKind.WASM, "Graph of who signals whom", List.of(), null,
                null, PackageManifest.Requires.NONE, null));
        hub.publish(alice, new PagesFixture.Pkg("opensnoop", "1.0.0", PackageKind.BPF, "Trace open() calls", List.of("files"), null,
                null, PackageManifest.Requires.NONE, null));

        JsonNode found = json(hub.get("/api/v1/search?q=SIGNAL"));
        assertEquals(1, found.path("protocol").asInt());
        assertEquals("SIGNAL", found.path("query").asText());
        assertEquals(List.of("signal-graph", "sigsnoop", "killsnoop"), names(found));
        assertEquals(3, found.path("total").asInt());
        // each hit is the package's index entry, plus its downloads
        JsonNode sig = found.path("packages").get(1);
        assertEquals(json(hub.get("/index/sigsnoop.json")).path("versions"), sig.path("versions"));
        assertEquals(0, sig.path("downloads").asLong());

        assertEquals(List.of("killsnoop"), names(json(hub.get("/api/v1/search?q=" + URLEncoder.encode("trace  KILL", StandardCharsets.UTF_8)))));
        assertEquals(List.of("signal-graph"), names(json(hub.get("/api/v1/search?q=signal&limit=1"))));
        assertEquals(4, json(hub.get("/api/v1/search")).path("total").asInt());
        assertEquals(400, hub.get("/api/v1/search?q=x&limit=0").statusCode());
        assertEquals("bad_request", json(hub.get("/api/v1/search?q=x&limit=lots")).path("code").asText());

        // equal matches: the more downloaded first, then by name
        assertEquals(List.of("killsnoop", "opensnoop", "sigsnoop"), names(json(hub.get("/api/v1/search?q=trace"))));
        hub.download(hub.publish(alice, SIGSNOOP.withVersion("1.1.0", null)), 2);
        assertEquals(List.of("sigsnoop", "killsnoop", "opensnoop"), names(json(hub.get("/api/v1/search?q=trace"))));

        // the page lists what the endpoint answers, in the same order
        String page = hub.get("/search?q=SIGNAL").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<a class=\"name\" href=\"/packages/([^\"]+)\">").matcher(page);
        List<String> onPage = new ArrayList<>();
        while (m.find()) onPage.add(m.group(1));
        assertEquals(names(json(hub.get("/api/v1/search?q=SIGNAL"))), onPage);
        assertTrue(page.contains("3 packages for &ldquo;SIGNAL&rdquo;"), page);
    }

    @Test
    void aQueryThatDoesNotDecodeIsABadRequest() throws Exception {
        for (String target : new String[] {"/api/v1/search?q=%zz", "/search?q=%E0%A4"}) {
            try (java.net.Socket sock = new java.net.Socket("127.0.0.1", hub.server.port())) {
                sock.setSoTimeout(5000);
                sock.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), target + ": " + answer);
                assertTrue(answer.contains("\"code\":\"bad_request\""), target + ": " + answer);
            }
        }
    }

    @Test
    void downloadsAreCountedStoredAndSurviveARestart() throws Exception {
        String sha = hub.publish(alice, SIGSNOOP);
        hub.download(sha, 3);
        assertEquals(200, hub.send(java.net.http.HttpRequest.newBuilder(hub.uri("/blobs/sha256/" + sha))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        assertEquals(304, hub.get("/blobs/sha256/" + sha, "If-None-Match", "\"" + sha + "\"").statusCode());
        assertEquals(200, hub.get("/sigsnoop/package.json").statusCode());
        // GETs count, HEAD and 304 do not; the static layout counts for its version
        assertEquals(4, hub.store.downloads("sigsnoop"));
        assertEquals(4, hub.store.downloads("sigsnoop", "1.0.0"));
        assertTrue(hub.get("/packages/sigsnoop").body().contains("<dt>Downloads</dt><dd>4</dd>"));
        assertEquals(4, json(hub.get("/api/v1/search?q=sigsnoop")).path("packages").get(0).path("downloads").asLong());

        hub.close();
        assertEquals(4L, column("SELECT downloads FROM versions WHERE package='sigsnoop'"));
        try (HubStore again = HubStore.open(tmp.resolve("hub"), 1 << 20)) {
            assertEquals(4, again.downloads("sigsnoop"));
        }
        hub = new PagesFixture(tmp.resolve("hub"));
    }

    @Test
    void aVersion2DatabaseIsMigratedWithItsPackagesIntact() throws Exception {
        hub.publish(alice, SIGSNOOP);
        String index = hub.get("/index.json").body();
        hub.close();
        // what a hub before download counts left behind
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("hub/hub.db")); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE versions DROP COLUMN downloads");
            st.execute("PRAGMA user_version=2");
        }
        hub = new PagesFixture(tmp.resolve("hub"));
        assertEquals(3L, column("PRAGMA user_version"));
        assertEquals(index, hub.get("/index.json").body());
        hub.download(hub.store.catalog().find("sigsnoop").orElseThrow().shown().sha256(), 1);
        hub.store.flushDownloads();
        assertEquals(1L, column("SELECT downloads FROM versions WHERE package='sigsnoop'"));
    }

    @Test
    void theReadmeIsTakenFromTheArchiveOnceAndKeptAsABlob() throws Exception {
        hub.publish(alice, SIGSNOOP);
        var v = hub.store.catalog().find("sigsnoop").orElseThrow().shown();
        String readmeSha = v.manifest().files().get("README.md").sha256();
        assertFalse(hub.store.blob(readmeSha).isPresent(), "the README was kept before any page asked for it");
        assertTrue(hub.get("/packages/sigsnoop").body().contains("<p>Traces <strong>signals</strong>.</p>"));
        assertTrue(hub.store.blob(readmeSha).isPresent());
    }

    private long column(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("hub/hub.db")); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> names(JsonNode found) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : found.path("packages")) out.add(p.path("name").asText());
        return out;
    }
}
