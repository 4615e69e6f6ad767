package dev.ebpm.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ebpm search} against an index hub: through the hub's search endpoint when it has one (ranked by the hub),
 * through the index when it has none (a hub older than the endpoint). The client reaches the real hub through a
 * forwarding server on loopback that records what was asked and can play the older hub.
 */
class HubSearchTest {
    @TempDir Path tmp;
    TestHub hub;
    HttpServer front;
    final Queue<String> asked = new ConcurrentLinkedQueue<>();
    volatile boolean olderHub;

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(tmp.resolve("hub"), 8L << 20);
        TestHub.TestClient publisher = hub.client(tmp.resolve("publisher"));
        for (String name : List.of("killsnoop", "opensnoop", "sigsnoop")) {
            publisher.indexHub("test").publish(TestHub.write(tmp.resolve("out"), TestHub.archive(name, "1.0.0"), name + ".ebpm"), hub.token, null);
        }
        // one download makes sigsnoop the most downloaded
        hub.client(tmp.resolve("downloader")).fetch("sigsnoop");

        HttpClient upstream = HttpClient.newHttpClient();
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.createContext("/", ex -> {
            String target = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            asked.add(ex.getRequestURI().getPath());
            int status;
            byte[] body;
            if (olderHub && ex.getRequestURI().getPath().startsWith("/api/v1/search")) {
                status = 404;
                body = "{\"error\":\"no such resource\",\"code\":\"not_found\"}".getBytes();
            } else {
                try {
                    HttpResponse<byte[]> r = upstream.send(HttpRequest.newBuilder(hub.server.uri().resolve(target)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    body = r.body();
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) ex.getResponseBody().write(body);
            ex.close();
        });
        front.start();
    }

    @AfterEach
    void stop() {
        front.stop(0);
        hub.close();
    }

    TestHub.TestClient client(String name) {
        return TestHub.client(tmp.resolve(name), "http://127.0.0.1:" + front.getAddress().getPort() + "/", "index", true);
    }

    static List<String> names(List<HubResolver.SearchHit> hits) {
        return hits.stream().map(h -> h.pkg().name().value()).toList();
    }

    @Test
    void aHubWithASearchEndpointAnswersRankedWithoutTheIndex() {
        List<HubResolver.SearchHit> hits = client("c").search("SIGNAL");
        // equal matches (each has the keyword "signals"): the most downloaded first, then by name
        assertEquals(List.of("sigsnoop", "killsnoop", "opensnoop"), names(hits));
        assertEquals("test", hits.get(0).hub());
        assertEquals("1.0.0", hits.get(0).pkg().current().orElseThrow().version().toString());
        assertEquals("traces sigsnoop", hits.get(0).pkg().description());
        assertTrue(asked.contains("/api/v1/search"), asked.toString());
        assertFalse(asked.contains("/index.json"), "the index was fetched for a search: " + asked);
        assertEquals(List.of("opensnoop"), names(client("c2").search("traces open")));
    }

    @Test
    void aHubWithoutOneIsSearchedThroughItsIndex() {
        olderHub = true;
        TestHub.TestClient c = client("c");
        List<HubResolver.SearchHit> hits = c.search("SIGNAL");
        assertEquals(List.of("killsnoop", "opensnoop", "sigsnoop"), names(hits));
        assertTrue(asked.contains("/api/v1/search") && asked.contains("/index.json"), asked.toString());
        // the index answers multi-word searches as the endpoint does: every word somewhere
        assertEquals(List.of("opensnoop"), names(client("c2").search("traces open")));
        // and offline, the index cached by that search answers
        assertEquals(3, c.offline().search("signal").size());
    }
}
