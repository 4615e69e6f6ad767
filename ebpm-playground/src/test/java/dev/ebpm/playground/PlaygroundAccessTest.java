package dev.ebpm.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.web.PageShell;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may use a playground: loopback only, and every request carries the token. */
class PlaygroundAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyRequestWithoutTheTokenIsRefused(@TempDir Path tmp) throws Exception {
        try (Session session = Session.open(Settings.defaults(tmp.resolve("store")));
             Playground p = Playground.start(session, Playground.Options.defaults(tmp.resolve("saved")))) {
            URI base = p.base();
            assertEquals("127.0.0.1", base.getHost());
            String token = p.url().getQuery().substring("token=".length());
            assertTrue(token.length() >= 32, token);
            for (String path : List.of("/", "/api/sources", "/api/source?from=template:", "/api/events", PageShell.STYLESHEET.path(),
                    PlaygroundPage.SCRIPT.path(), "/no-such-page", "/?token=", "/?token=" + token.substring(1), "/?token=" + token + "x")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, r.statusCode(), path);
                assertTrue(r.body().startsWith("403 forbidden: open the address ebpm playground printed"), r.body());
                assertTrue(r.headers().firstValue("Set-Cookie").isEmpty(), path);
            }
            // a POST without the token changes nothing: not built, not run, not saved
            HttpResponse<String> run = post(base.resolve("/api/run"), null, JSON.writeValueAsString(posted(KillProgram.files())));
            assertEquals(403, run.statusCode());
            assertFalse(p.running());
            HttpResponse<String> save = post(base.resolve("/api/save"), "ebpm_playground=" + token + "x",
                    "{\"as\":\"x\",\"program\":" + JSON.writeValueAsString(posted(KillProgram.files())) + "}");
            assertEquals(403, save.statusCode());
            assertFalse(tmp.resolve("saved/x").toFile().exists());

            // with the token: the page, and a cookie that carries the token for the page's own requests
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(p.url()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>ebpm playground</title>"), page.body());
            String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith("ebpm_playground=" + token + ";") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            assertEquals(PageShell.HEADERS.get("Content-Security-Policy"), page.headers().firstValue("Content-Security-Policy").orElseThrow());
            HttpResponse<String> sources = http.send(HttpRequest.newBuilder(base.resolve("/api/source?from=template:"))
                    .header("Cookie", "ebpm_playground=" + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sources.statusCode());
            JsonNode template = JSON.readTree(sources.body());
            assertEquals("hello", template.get("name").asText());
            assertTrue(template.get("files").get("hello.bpf.c").asText().contains("SEC(\"tp/sched/sched_process_exec\")"), sources.body());
            assertTrue(template.get("files").has("hello.h"));
            // a cross-site form can post only simple content types: refused before anything is read
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(base.resolve("/api/save")).header("Cookie", "ebpm_playground=" + token)
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("as=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode());
        }
    }

    @Test
    void onlyLoopbackAddressesAreServed(@TempDir Path tmp) throws Exception {
        try (Session session = Session.open(Settings.defaults(tmp.resolve("store")))) {
            Playground.Options o = Playground.Options.defaults(tmp);
            for (String bind : List.of("0.0.0.0", "::", "192.0.2.1")) {
                PlaygroundException e = assertThrows(PlaygroundException.class, () -> Playground.start(session, o.withBind(bind)));
                assertEquals("--bind " + bind + ": the playground serves loopback addresses only (127.0.0.1, ::1, localhost), "
                        + "since whoever reaches it can load programs into this kernel", e.getMessage());
            }
            try (Playground v6 = Playground.start(session, o.withBind("::1"))) {
                assertEquals("[0:0:0:0:0:0:0:1]", v6.base().getHost());
                assertEquals(403, http.send(HttpRequest.newBuilder(v6.base()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                assertEquals(200, http.send(HttpRequest.newBuilder(v6.url()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
        }
    }

    private HttpResponse<String> post(URI uri, String cookie, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The program as the page posts it. */
    static java.util.Map<String, Object> posted(ProgramFiles p) {
        return java.util.Map.of("name", p.name(), "files", p.files());
    }
}
