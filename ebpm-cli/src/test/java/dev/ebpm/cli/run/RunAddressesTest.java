package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The address rule on real kernel events: a tcpstates-shaped program (attach/tcp_addrs, built here with clang) traces
 * TCP state changes of a loopback connection this test makes, over IPv4 and IPv6; the table shows the addresses with
 * their ports, --json keeps the raw 128-bit value and adds NAME_text.
 */
class RunAddressesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TCP_ESTABLISHED = 1;
    @TempDir static Path tmp;
    static Path pkg;

    @BeforeAll
    static void build() throws Exception {
        Path src = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/attach/tcp_addrs");
        Path dir = Files.createDirectories(tmp.resolve("tcp_addrs"));
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        CliProcess.Result built = InProcess.execute("build", dir.toString());
        assertEquals(0, built.exitCode(), built.stderr());
        pkg = dir.resolve("package.json");
    }

    /**
     * What a run watching the port of a listener on {@code address} prints for the connection made to it, the first
     * ESTABLISHED event, and the client's port. The sockets are Python's: a Java socket is dual-stack, so its IPv4
     * connection is an IPv6 one with mapped addresses.
     */
    private static String[] establishedEvent(String address, boolean json) throws Exception {
        String family = address.contains(":") ? "AF_INET6" : "AF_INET";
        Process peer = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket." + family + "); s.bind(('" + address + "', 0)); s.listen(1)",
                "print(s.getsockname()[1], flush=True); sys.stdin.readline()",
                "c = socket.socket(socket." + family + "); c.connect(('" + address + "', s.getsockname()[1])); a, _ = s.accept()",
                "print(c.getsockname()[1], flush=True); sys.stdin.readline()")).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream()))) {
            int port = Integer.parseInt(out.readLine().trim());
            try (CliProcess run = CliProcess.start("run", "--store", tmp.resolve("store").toString(), pkg.toString(),
                    "--target_port", Integer.toString(port), json ? "--json" : "--no-trace-pipe")) {
                run.awaitStderr("tcp_addrs running (1 program attached)", Duration.ofSeconds(90));
                peer.getOutputStream().write('\n');
                peer.getOutputStream().flush();
                String clientPort = out.readLine().trim();
                String line = run.awaitLine(l -> json ? l.contains("\"newstate\":" + TCP_ESTABLISHED + ",") && l.contains("\"sport\":" + clientPort + ",")
                        : l.matches("\\d\\d:\\d\\d:\\d\\d .* 2 +1 +.*") && l.contains(":" + clientPort + " "), Duration.ofSeconds(20));
                run.interrupt(Duration.ofSeconds(15));
                return new String[] {line, clientPort};
            }
        } finally {
            peer.destroyForcibly();
        }
    }

    @Test
    void ipv4AndIpv6AddressesReadAsAddresses() throws Exception {
        String[] v4 = establishedEvent("127.0.0.1", true);
        JsonNode e = JSON.readTree(v4[0]);
        assertEquals(2, e.get("family").asInt());
        assertEquals("127.0.0.1", e.get("saddr_text").asText(), v4[0]);
        assertEquals("127.0.0.1", e.get("daddr_text").asText(), v4[0]);
        assertEquals("16777343", e.get("saddr").asText(), "the raw value stays: 7f 00 00 01 as a little-endian u128");

        String[] table = establishedEvent("127.0.0.1", false);
        String[] columns = table[0].trim().split(" +");
        assertEquals("127.0.0.1:" + table[1], columns[1], table[0]);
        assertTrue(columns[2].startsWith("127.0.0.1:"), table[0]);

        String[] v6;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (IOException ex) {
            System.out.println("RunAddressesTest: IPv6 part skipped: cannot listen on ::1 (" + ex.getMessage() + ")");
            return;
        }
        v6 = establishedEvent("::1", true);
        JsonNode e6 = JSON.readTree(v6[0]);
        assertEquals(10, e6.get("family").asInt());
        assertEquals("::1", e6.get("saddr_text").asText(), v6[0]);
        assertEquals("::1", e6.get("daddr_text").asText(), v6[0]);
        assertEquals("1329227995784915872903807060280344576", e6.get("saddr").asText(), "::1 as a little-endian u128: 1 << 120");
        String[] table6 = establishedEvent("::1", false);
        assertEquals("[::1]:" + table6[1], table6[0].trim().split(" +")[1], table6[0]);
    }
}
