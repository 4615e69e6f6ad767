package dev.ebpm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.pkg.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub that is down, slow, lies or breaks off: each ends in one clear error and nothing stored. */
class HubFaultTest {
    @TempDir Path tmp;

    static final Http.Options FAST = Http.Options.defaults().timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));

    Path downloads() {
        return tmp.resolve("downloads");
    }

    Downloader downloader(Http.Options o) {
        return new Downloader(new Http(o), downloads(), Downloader.DEFAULT_MAX_BYTES, TransferListener.NONE);
    }

    void assertNothingStored() throws IOException {
        if (!Files.isDirectory(downloads())) return;
        try (Stream<Path> s = Files.walk(downloads())) {
            assertEquals(0, s.filter(Files::isRegularFile).count(), "files left in the download cache (blobs or temp files)");
        }
    }

    /** Accepts one connection at a time and answers every request with {@code response}, then closes. */
    static ServerSocket rawServer(byte[] response) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[8192];
                    int n = 0;
                    // read the request head
                    while (n < 4 || !new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        int r = in.read(buf, n, buf.length - n);
                        if (r < 0) break;
                        n += r;
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(response);
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void slowHubTimesOutAndStoresNothing() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().body("x".repeat(100)).headersDelay(10, TimeUnit.SECONDS).build());
            server.start();
            long t0 = System.nanoTime();
            RegistryException e = assertThrows(RegistryException.class,
                    () -> downloader(FAST).download(server.url("/blobs/sha256/x").toString(), null, -1));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 3000);
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(1, server.getRequestCount(), "a timeout must not be retried");
        }
        assertNothingStored();
    }

    @Test
    void serverErrorsAndResetsAreRetriedWithBackoff() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().code(503).build());
            server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
            server.enqueue(new MockResponse.Builder().body("hello").build());
            server.start();
            Path p = downloader(FAST).download(server.url("/blob").toString(), Digests.sha256Hex("hello".getBytes()), 5);
            assertEquals("hello", Files.readString(p));
            assertEquals(3, server.getRequestCount());

            for (int i = 0; i < 3; i++) server.enqueue(new MockResponse.Builder().code(502).build());
            RegistryException e = assertThrows(RegistryException.class, () -> downloader(FAST).download(server.url("/blob2").toString(), null, -1));
            assertEquals("download of " + server.url("/blob2") + ": HTTP 502", e.getMessage());
        }
    }

    @Test
    void redirectsAreLimited() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            for (int i = 0; i < 7; i++) server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/r" + i).build());
            server.start();
            RegistryException e = assertThrows(RegistryException.class, () -> new Http(FAST).get(server.url("/start").toString(), java.util.Map.of()).close());
            assertTrue(e.getMessage().contains("more than 5 redirects"), e.getMessage());
        }
    }

    @Test
    void truncatedDownloadIsRefused() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] resp = new byte[head.length + 400];
        System.arraycopy(head, 0, resp, 0, head.length);
        try (ServerSocket ss = rawServer(resp)) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/blobs/sha256/" + "a".repeat(64);
            RegistryException e = assertThrows(RegistryException.class, () -> downloader(FAST).download(url, "a".repeat(64), 1000));
            assertTrue(e.getMessage().startsWith("download of " + url + " failed after 400 bytes of 1000"), e.getMessage());
            assertTrue(e.getMessage().endsWith("nothing was stored"), e.getMessage());
        }
        assertNothingStored();
    }

    @Test
    void tenGigabyteContentLengthIsRefusedUpFront() throws Exception {
        byte[] resp = "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\nxxxx".getBytes(StandardCharsets.ISO_8859_1);
        try (ServerSocket ss = rawServer(resp)) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/blob";
            RegistryException e = assertThrows(RegistryException.class, () -> downloader(FAST).download(url, null, -1));
            assertEquals("download of " + url + ": the server announces 10737418240 bytes, over the limit of " + Downloader.DEFAULT_MAX_BYTES
                    + "; nothing was stored", e.getMessage());
            // a small document read is capped the same way
            try (Response r = new Http(FAST).get(url, java.util.Map.of())) {
                RegistryException e2 = assertThrows(RegistryException.class, () -> Http.readBounded(r, 1 << 20, "index"));
                assertTrue(e2.getMessage().contains("announces 10737418240 bytes"), e2.getMessage());
            }
        }
        assertNothingStored();
    }

    @Test
    void endlessBodyWithoutLengthStopsAtTheCap() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] resp = java.util.Arrays.copyOf(head, head.length + 64 * 1024);
        try (ServerSocket ss = rawServer(resp)) {
            Downloader d = new Downloader(new Http(FAST), downloads(), 10_000, TransferListener.NONE);
            RegistryException e = assertThrows(RegistryException.class, () -> d.download("http://127.0.0.1:" + ss.getLocalPort() + "/b", null, -1));
            assertTrue(e.getMessage().contains("more than 10000 bytes; stopped reading"), e.getMessage());
        }
        assertNothingStored();
    }

    /** Answers each request with {@code head} at once, then the body one byte every {@code pauseMillis}; counts requests. */
    static ServerSocket tricklingServer(byte[] head, byte[] body, int pauseMillis, java.util.concurrent.atomic.AtomicInteger requests) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    requests.incrementAndGet();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[8192];
                    int n = 0;
                    while (n < 4 || !new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        int r = in.read(buf, n, buf.length - n);
                        if (r < 0) break;
                        n += r;
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(head);
                    out.flush();
                    for (byte b : body) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(pauseMillis);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up, or the test ended
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void aBodyTrickledBelowTheMinimumRateIsCutOffAndNothingIsKept() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        Http.Options slowAllowed = FAST.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).limits(Duration.ofMinutes(1), 100, Duration.ofSeconds(1));
        try (ServerSocket ss = tricklingServer(head, new byte[1000], 300, requests)) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/blobs/sha256/" + "a".repeat(64);
            RegistryException e = assertThrows(RegistryException.class, () -> downloader(slowAllowed).download(url, "a".repeat(64), 1000));
            assertTrue(e.getMessage().matches("download of \\Q" + url + "\\E failed after \\d bytes of 1000 \\(stalled: \\d bytes in the last 1 s,"
                    + " below the minimum of 100 bytes/s \\(EBPM_HTTP_MIN_RATE\\)\\); nothing was stored"), e.getMessage());
            // the same for a small document read whole
            try (Response r = new Http(slowAllowed).get(url, java.util.Map.of())) {
                RegistryException e2 = assertThrows(RegistryException.class, () -> Http.readBounded(r, 1 << 20, "hub slow index"));
                assertTrue(e2.getMessage().matches("hub slow index: stalled: \\d bytes in the last 1 s, below the minimum of 100 bytes/s \\(EBPM_HTTP_MIN_RATE\\)"),
                        e2.getMessage());
            }
        }
        assertNothingStored();
    }

    @Test
    void aHeadTrickledPastTheDeadlineEndsTheRequestWithoutARetry() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nX-Padding: abcdefghijklmnopqrstuvwxyz\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        Http.Options deadline = FAST.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)).limits(Duration.ofSeconds(1), 0, Duration.ofSeconds(10));
        try (ServerSocket ss = tricklingServer(new byte[0], head, 200, requests)) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/index.json";
            RegistryException e = assertThrows(RegistryException.class, () -> new Http(deadline).get(url, java.util.Map.of()).close());
            assertEquals("GET " + url + ": not complete within the 1 s deadline (EBPM_HTTP_DEADLINE)", e.getMessage());
            assertEquals(1, requests.get(), "a request past its deadline is not sent again");
        }
    }

    @Test
    void limitsComeFromTheEnvironment() {
        Http.Options o = Http.Options.fromEnvironment(java.util.Map.of("EBPM_HTTP_DEADLINE", "7.5", "EBPM_HTTP_MIN_RATE", "0"));
        assertEquals(Duration.ofMillis(7500), o.deadline());
        assertEquals(0, o.minBytesPerSecond());
        assertEquals(Duration.ofSeconds(300), Http.Options.fromEnvironment(java.util.Map.of()).deadline());
        assertEquals(1024, Http.Options.fromEnvironment(java.util.Map.of()).minBytesPerSecond());
        RegistryException e = assertThrows(RegistryException.class, () -> Http.Options.fromEnvironment(java.util.Map.of("EBPM_HTTP_DEADLINE", "soon")));
        assertEquals("EBPM_HTTP_DEADLINE=\"soon\": expected a number of seconds (0 turns the limit off)", e.getMessage());
    }
}
