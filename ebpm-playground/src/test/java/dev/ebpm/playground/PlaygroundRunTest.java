package dev.ebpm.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.loader.KernelPrograms;
import dev.ebpm.loader.KernelSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run over the playground's HTTP API, as the page's script drives it: one at a time, stopped when its page idles or never comes. */
class PlaygroundRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void oneRunAtATimeAndAnIdlePageStopsIt(@TempDir Path tmp) throws Exception {
        boolean root = KernelSupport.hasBpfPrivileges();
        if (!root) System.err.println("skipped: running programs needs root");
        Assumptions.assumeTrue(root, "running programs needs root");
        try (Session session = Session.open(Settings.defaults(tmp.resolve("store")).offline(true));
             Playground p = Playground.start(session, Playground.Options.defaults(tmp).withIdleTimeout(Duration.ofSeconds(3)))) {
            String cookie = "ebpm_playground=" + p.url().getQuery().substring("token=".length());
            String program = JSON.writeValueAsString(PlaygroundAccessTest.posted(KillProgram.files()));

            JsonNode started = JSON.readTree(post(p.base().resolve("/api/run"), cookie, program, 200));
            assertTrue(started.get("ok").asBoolean(), started.toString());
            assertEquals("running hello: 1 program attached", started.get("message").asText());
            assertEquals("pg_kill -> tracepoint/syscalls/sys_enter_kill", started.get("attachPoints").get(0).asText());
            assertTrue(p.running());
            JsonNode busy = JSON.readTree(post(p.base().resolve("/api/run"), cookie, program, 409));
            assertEquals("a run is going on (hello): stop it first", busy.get("message").asText());

            // follow it as the page does, and do nothing more: the idle timeout stops it
            long start = System.nanoTime();
            HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(p.base().resolve("/api/events")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, events.statusCode());
            assertEquals("text/event-stream; charset=utf-8", events.headers().firstValue("Content-Type").orElseThrow());
            String end = null;
            for (Iterator<String> it = events.body().iterator(); it.hasNext(); ) {
                if (it.next().equals("event: end")) {
                    end = it.next();
                    break;
                }
            }
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertEquals("data: stopped: the page was idle for 3 s", end);
            assertTrue(seconds >= 1 && seconds <= 10, seconds + " s");
            assertFalse(p.running());
            long me = ProcessHandle.current().pid();
            List<Integer> left = KernelPrograms.list().stream().filter(x -> x.name().equals(KillProgram.PROGRAM))
                    .filter(x -> x.holders().stream().anyMatch(h -> h.pid() == me)).map(KernelPrograms.LoadedProgram::id).toList();
            assertEquals(List.of(), left, "pg_kill still held by this JVM");

            // a run is followed once; a new run may start
            assertTrue(http.send(HttpRequest.newBuilder(p.base().resolve("/api/events")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("event: end\ndata: the run is over"));
            JsonNode again = JSON.readTree(post(p.base().resolve("/api/run"), cookie, program, 200));
            assertTrue(again.get("ok").asBoolean(), again.toString());
            JsonNode stopped = JSON.readTree(post(p.base().resolve("/api/stop"), cookie, "{}", 200));
            assertEquals("stopping hello", stopped.get("message").asText());
        }
    }

    @Test
    void aRunNoPageFollowsIsStopped(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(KernelSupport.hasBpfPrivileges(), "running programs needs root");
        try (Session session = Session.open(Settings.defaults(tmp.resolve("store")).offline(true));
             Playground p = Playground.start(session, Playground.Options.defaults(tmp))) {
            String cookie = "ebpm_playground=" + p.url().getQuery().substring("token=".length());
            // started as a script would start it, without the page that reads its events
            post(p.base().resolve("/api/run"), cookie, JSON.writeValueAsString(PlaygroundAccessTest.posted(KillProgram.files())), 200);
            assertTrue(p.running());
            long deadline = System.nanoTime() + Playground.UNFOLLOWED_TIMEOUT.plusSeconds(10).toNanos();
            while (p.running() && System.nanoTime() < deadline) Thread.sleep(200);
            assertFalse(p.running(), "a run nobody follows outlived " + Playground.UNFOLLOWED_TIMEOUT);
            assertEquals("stopped: no page followed the run for 10 s", p.lastRun().orElseThrow().outcome());
        }
    }

    private String post(URI uri, String cookie, String json, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return r.body();
    }
}
