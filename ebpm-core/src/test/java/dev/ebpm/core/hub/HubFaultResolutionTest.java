package dev.ebpm.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub that is down or lies about a digest, seen through resolution: one clear error naming the hub, nothing stored. */
class HubFaultResolutionTest {
    @TempDir Path tmp;

    @Test
    void hubDownFailsFastNamingTheHub() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        TestHub.TestClient c = TestHub.client(tmp.resolve("store"), "http://127.0.0.1:" + port + "/", "index", false);
        long t0 = System.nanoTime();
        RegistryException e = assertThrows(RegistryException.class, () -> c.fetch("sigsnoop"));
        assertTrue((System.nanoTime() - t0) < TimeUnit.SECONDS.toNanos(3), "a dead hub took too long");
        assertEquals("no package sigsnoop on hub test (test: GET http://127.0.0.1:" + port + "/index.json: connection refused)", e.getMessage());
    }

    @Test
    void wrongDigestIsRefusedAndNothingStored() throws Exception {
        byte[] served = TestHub.archive("sigsnoop", "1.0.0");
        String claimed = Digests.sha256Hex("something else".getBytes());
        String index = "{\"protocol\":1,\"packages\":[{\"name\":\"sigsnoop\",\"versions\":[{\"version\":\"1.0.0\",\"sha256\":\"" + claimed
                + "\",\"size\":" + served.length + ",\"kind\":\"bpf\",\"entry\":\"package.json\",\"requires\":{},\"yanked\":false,\"signature\":null}]}]}";
        HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        liar.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/index.json.sig")) {
                ex.sendResponseHeaders(404, -1); // an unsigned hub: the test adds it with --allow-unsigned
                ex.close();
                return;
            }
            byte[] body = ex.getRequestURI().getPath().equals("/index.json") ? index.getBytes(StandardCharsets.UTF_8) : served;
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        liar.start();
        try {
            Path store = tmp.resolve("store");
            // the liar serves no index signature: only a hub added with --allow-unsigned gets as far as the download
            TestHub.TestClient c = TestHub.client(store, "http://127.0.0.1:" + liar.getAddress().getPort() + "/", "index", true);
            RegistryException e = assertThrows(RegistryException.class, () -> c.fetch("sigsnoop"));
            assertTrue(e.getMessage().contains("sha256 mismatch: the index lists " + claimed + ", the download is " + Digests.sha256Hex(served)
                    + "; nothing was stored"), e.getMessage());
            try (Stream<Path> s = Files.walk(store.resolve("cache").resolve("downloads"))) {
                assertEquals(0, s.filter(Files::isRegularFile).count(), "blobs or temp files left in the download cache");
            }
        } finally {
            liar.stop(0);
        }
    }
}
