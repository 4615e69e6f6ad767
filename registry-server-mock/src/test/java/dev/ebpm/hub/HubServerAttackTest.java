package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 13 against a real hub on loopback, with raw sockets: slow drips (slowloris), too many connections
 * from one address, and request smuggling through lenient framing. Clients use several loopback addresses
 * (127.0.0.0/8 is all loopback on Linux) so that the per-address limit is not what saves the server.
 */
class HubServerAttackTest {
    /** The answer a normal client must get while the attack runs; generous, the failure mode is a hang of many seconds. */
    private static final Duration LIVE = Duration.ofSeconds(2);

    @TempDir Path data;
    HubStore store;
    HubServer server;
    String token;
    final List<Socket> sockets = new ArrayList<>();

    void start(ServerLimits limits) throws IOException {
        store = HubStore.open(data, 64 * 1024);
        token = store.createToken("alice");
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), limits);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) s.close();
        if (server != null) server.close();
        if (store != null) store.close();
    }

    /** A connection to the hub from a given loopback address. */
    Socket connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        return s;
    }

    /** Sends {@code request} as is and returns everything the server sends until it closes (10 s at most). */
    String exchange(String request) throws IOException {
        Socket s = connect("127.0.0.1");
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) got.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            fail("the server left the connection open after answering: " + got.toString(StandardCharsets.ISO_8859_1));
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** The response is one 400 with the hub's JSON error, and nothing else came on that connection. */
    static JsonNode assertOneBadRequest(String response) throws IOException {
        Matcher statuses = Pattern.compile("HTTP/1\\.[01] (\\d{3})").matcher(response);
        List<String> seen = new ArrayList<>();
        while (statuses.find()) seen.add(statuses.group(1));
        assertEquals(List.of("400"), seen, response);
        JsonNode body = ReadSnapshot.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals("bad_request", body.path("code").asText(), response);
        assertFalse(body.path("error").asText().isEmpty(), response);
        return body;
    }

    long indexFetchMillis(HttpClient http) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/index.json")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(1, ReadSnapshot.JSON.readTree(r.body()).path("protocol").asInt());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void threeHundredSlowDripsDoNotLockOutANormalClient() throws Exception {
        start(ServerLimits.defaults());
        // 300 connections from 10 addresses (30 each, under the per-address limit), each with a head it never finishes
        List<OutputStream> drips = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Socket s = connect("127.0.0." + (10 + i % 10));
            OutputStream out = s.getOutputStream();
            out.write("GET /index.json HTTP/1.1\r\nHost: hub\r\nX-Drip: ".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            drips.add(out);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        for (int round = 0; round < 3; round++) {
            for (OutputStream out : drips) {
                out.write('a');
                out.flush();
            }
            long ms = indexFetchMillis(http);
            assertTrue(ms < LIVE.toMillis(), "a normal client waited " + ms + " ms for the index during the drip");
            Thread.sleep(500);
        }
        // the drips are still being held (not merely refused), so the server carried them without starving the client
        for (OutputStream out : drips) {
            out.write('a');
            out.flush();
        }
    }

    @Test
    void aHeadDrippedPastTheDeadlineIsClosedWithoutAnAnswer() throws Exception {
        Duration deadline = Duration.ofSeconds(1);
        start(new ServerLimits(1024, 64, Duration.ofSeconds(60), deadline, Duration.ofSeconds(30), 64 * 1024));
        Socket s = connect("127.0.0.1");
        s.setSoTimeout(20_000); // far below the 60 s idle timeout, which the drip keeps resetting anyway
        OutputStream out = s.getOutputStream();
        out.write("GET /index.json HTTP/1.1\r\nHost: hub\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Thread dripper = new Thread(() -> {
            try {
                while (true) {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // closed by the server (or the test ended): stop dripping
            }
        });
        dripper.start();
        try {
            int first = s.getInputStream().read();
            assertEquals(-1, first, "the server answered a head that never ended");
        } catch (SocketException e) {
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        } catch (SocketTimeoutException e) {
            fail("a head dripped for 20 s was not closed (deadline " + deadline + ")");
        } finally {
            dripper.interrupt();
            dripper.join();
        }
        // a request that does arrive whole on a fresh connection is served as usual
        assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/index.json")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void anUploadDrippedPastItsDeadlineIsCutOff() throws Exception {
        // 1 s of grace plus 1 s per MiB: a 1000-byte body is due within about a second
        start(new ServerLimits(1024, 64, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(1), 1 << 20));
        Socket s = connect("127.0.0.1");
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("PUT /api/v1/packages/slow/1.0.0 HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        Thread dripper = new Thread(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // cut off by the server (or the test ended): stop dripping
            }
        });
        dripper.start();
        try {
            // answered and closed, though the client is still sending
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertEquals("request_timeout", ReadSnapshot.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("code").asText());
        } catch (SocketTimeoutException e) {
            fail("an upload dripped for 20 s was not cut off");
        } finally {
            dripper.interrupt();
            dripper.join();
        }
        assertEquals(0, store.snapshot().packages().size());
    }

    @Test
    void connectionsFromOneAddressAreLimited() throws Exception {
        start(new ServerLimits(1024, 4, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 64 * 1024));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) held.add(connect("127.0.0.3"));
        // the server has seen the four once a request on one of them is answered
        String ok = request(held.get(0), "GET / HTTP/1.1\r\nHost: hub\r\n\r\n");
        assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
        Socket fifth = connect("127.0.0.3");
        fifth.setSoTimeout(10_000);
        fifth.getOutputStream().write("GET / HTTP/1.1\r\nHost: hub\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertClosedUnanswered(fifth);
        // another address is not affected
        assertTrue(request(connect("127.0.0.4"), "GET / HTTP/1.1\r\nHost: hub\r\n\r\n").startsWith("HTTP/1.1 200"));
        // and once one of the four closes, the address may open another
        held.get(1).close();
        String again = null;
        for (int attempt = 0; attempt < 50 && again == null; attempt++) {
            Socket s = connect("127.0.0.3");
            s.setSoTimeout(10_000);
            try {
                again = request(s, "GET / HTTP/1.1\r\nHost: hub\r\n\r\n");
            } catch (IOException e) {
                Thread.sleep(100); // the server has not yet seen the close
            }
        }
        assertTrue(again != null && again.startsWith("HTTP/1.1 200"), String.valueOf(again));
    }

    /** One request on an open connection; the response head and body (read by Content-Length). */
    static String request(Socket s, String raw) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed before an answer");
            head.append((char) c);
        }
        Matcher cl = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (cl.find()) head.append(new String(in.readNBytes(Integer.parseInt(cl.group(1))), StandardCharsets.ISO_8859_1));
        return head.toString();
    }

    static void assertClosedUnanswered(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "a connection over the limit was served");
        } catch (SocketException e) {
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
    }

    @Test
    void contentLengthWithChunkedIsRefusedAndTheSmuggledRequestIsNotServed() throws Exception {
        start(ServerLimits.defaults());
        assertOneBadRequest(exchange("POST /api/v1/packages/x/1.0.0/yank HTTP/1.1\r\nHost: hub\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
        assertOneBadRequest(exchange("POST /api/v1/packages/x/1.0.0/yank HTTP/1.1\r\nHost: hub\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 4\r\n\r\n0\r\n\r\nGET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
    }

    @Test
    void whitespaceBeforeAHeaderColonIsRefused() throws Exception {
        start(ServerLimits.defaults());
        assertOneBadRequest(exchange("POST /api/v1/packages/x/1.0.0/yank HTTP/1.1\r\nHost: hub\r\nTransfer-Encoding : chunked\r\n"
                + "Content-Length: 4\r\n\r\n0\r\n\r\nGET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
    }

    @Test
    void aBareCrInAHeaderIsRefused() throws Exception {
        start(ServerLimits.defaults());
        assertOneBadRequest(exchange("GET /index.json HTTP/1.1\r\nHost: hub\r\nX-Note: a\rGET /hub.pub HTTP/1.1\r\n\r\n"
                + "GET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
    }

    @Test
    void aNegativeChunkSizeIsRefused() throws Exception {
        start(ServerLimits.defaults());
        String put = "PUT /api/v1/packages/chunky/1.0.0 HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + token
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertOneBadRequest(exchange(put + "-1\r\nxx\r\n0\r\n\r\nGET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
        assertOneBadRequest(exchange(put + "4\r\nabcd\r\nzz\r\n\r\nGET /index.json HTTP/1.1\r\nHost: hub\r\n\r\n"));
        // nothing was published
        assertEquals(0, store.snapshot().packages().size());
    }

    @Test
    void anUnsupportedTransferEncodingIsRefusedWithoutEchoingIt() throws Exception {
        start(ServerLimits.defaults());
        String evil = "<script>alert(1)</script>\"}";
        for (String te : List.of(evil, evil + ", chunked", "gzip, chunked")) {
            String response = exchange("PUT /api/v1/packages/x/1.0.0 HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + token
                    + "\r\nTransfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n");
            JsonNode body = assertOneBadRequest(response);
            assertFalse(response.contains("<script>"), response);
            assertFalse(body.path("error").asText().contains("gzip"), response);
        }
    }
}
