package dev.ebpm.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ebpm playground}: loopback only, the printed address carries the token, Ctrl-C ends it. */
class PlaygroundCommandTest {
    @Test
    void aNonLoopbackAddressIsRefusedInOneLine(@TempDir Path tmp) {
        for (String bind : new String[] {"0.0.0.0", "192.0.2.7"}) {
            CliProcess.Result r = InProcess.execute("playground", "--store", tmp.toString(), "--bind", bind);
            assertEquals(1, r.exitCode());
            assertEquals("ebpm: error: --bind " + bind + ": the playground serves loopback addresses only (127.0.0.1, ::1, localhost), "
                    + "since whoever reaches it can load programs into this kernel\n", r.stderr());
            assertEquals("", r.stdout());
        }
    }

    @Test
    void servesThePrintedAddressUntilCtrlC(@TempDir Path tmp) throws Exception {
        try (CliProcess p = CliProcess.start("playground", "--store", tmp.resolve("store").toString(), "--dir", tmp.toString())) {
            String line = p.awaitLine(l -> l.startsWith("ebpm playground: "), Duration.ofSeconds(30));
            URI url = URI.create(line.substring("ebpm playground: ".length()));
            assertEquals("127.0.0.1", url.getHost());
            assertTrue(url.getQuery().startsWith("token="), line);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(403, http.send(HttpRequest.newBuilder(url.resolve("/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("saves to <code>" + tmp + "</code>"), page.body());
            assertEquals(130, p.interrupt(Duration.ofSeconds(20)), p.stderr()); // Ctrl-C's status, as for every command
        }
    }
}
