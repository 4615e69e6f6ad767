package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the hub server's request handling: the fuzzer's bytes go to a real server on
 * loopback as one raw request (a {@code @TOKEN@} in them becomes a valid publish token, so uploads, yanks and their
 * checks are reached). Whatever arrives, the server answers with a well-formed status line or closes the connection,
 * and never with 500: that is an exception the hub did not expect. A plain build replays the committed seeds
 * ({@code HubRequestFuzzTestInputs/}); {@code scripts/fuzz.sh} fuzzes (with Jazzer's request-forgery detector off: this
 * test's own connections to the hub are what it would report).
 */
class HubRequestFuzzTest {
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
    private static Path data;
    private static HubStore store;
    private static HubServer server;
    private static String token;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createTempDirectory("ebpm-hub-fuzz-");
        store = HubStore.open(data, 256 * 1024);
        token = store.createToken("alice");
        // short deadlines: a request the fuzzer left unfinished is closed in a second, not thirty
        ServerLimits limits = new ServerLimits(1024, 1024, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 64 * 1024);
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), limits);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        store.close();
        try (var files = Files.walk(data)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }

    @FuzzTest(maxDuration = "12s")
    void request(byte[] raw) throws IOException {
        byte[] request = new String(raw, StandardCharsets.ISO_8859_1).replace("@TOKEN@", token).getBytes(StandardCharsets.ISO_8859_1);
        String answer = exchange(request);
        if (answer.isEmpty()) return; // closed without an answer: an unfinished head, or a reset
        Matcher m = STATUS.matcher(answer);
        assertTrue(m.find(), "not an HTTP response: " + answer.lines().findFirst().orElse(""));
        int status = Integer.parseInt(m.group(1));
        // 505 (HTTP/0.9, 2.0 on this port) and 501 are answers; 500 is the hub's own exception
        assertTrue(status != 500 && !answer.contains("\"code\":\"internal\""), "the hub failed on a request: " + answer.lines().findFirst().orElse("") + " "
                + answer.substring(Math.max(0, answer.indexOf("\r\n\r\n"))).strip());
    }

    /** Sends the request, ends the stream, and returns what the server sends back before it closes. */
    private static String exchange(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.setSoTimeout(3000);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.getOutputStream().write(request);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0 && got.size() < (1 << 20); ) got.write(buf, 0, n);
            } catch (SocketException | SocketTimeoutException e) {
                // the server closed or reset mid-request (refused framing): what arrived is judged below
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
