package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tc, xdp and uprobe attachment with the run-time overrides (--ifname, --uprobe-binary), on a
 * veth pair whose far end lives in a network namespace the test creates.
 */
class RunAttachTest {
    // per test JVM, so two checkouts testing at once on one machine do not share an interface or a subnet
    private static final long TAG = ProcessHandle.current().pid() % 250;
    private static final String NS = "ebpmtest" + TAG;
    private static final String IF = "ebpmt" + TAG + "a";
    private static final String PEER = "ebpmt" + TAG + "b";
    private static final String NET = "10.198." + TAG + ".";
    private static final Duration READY = Duration.ofSeconds(90);

    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    @BeforeAll
    static void vethPair() throws Exception {
        cleanup();
        sh("ip", "netns", "add", NS);
        sh("ip", "link", "add", IF, "type", "veth", "peer", "name", PEER, "netns", NS);
        sh("ip", "addr", "add", NET + "1/24", "dev", IF);
        sh("ip", "link", "set", IF, "up");
        sh("ip", "netns", "exec", NS, "ip", "addr", "add", NET + "2/24", "dev", PEER);
        sh("ip", "netns", "exec", NS, "ip", "link", "set", PEER, "up");
    }

    @AfterAll
    static void cleanup() {
        try {
            new ProcessBuilder("ip", "link", "del", IF).start().waitFor();
            new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
        } catch (Exception ignored) {
            // nothing to remove
        }
    }

    /** A UDP datagram from inside the namespace to our end of the pair. */
    static void sendPacket() throws Exception {
        sh("ip", "netns", "exec", NS, "bash", "-c", "echo ebpm > /dev/udp/" + NET + "1/9");
    }

    private static Path fixture(String name) {
        return CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/attach").resolve(name);
    }

    private static String ifindex() throws Exception {
        return sh("cat", "/sys/class/net/" + IF + "/ifindex").trim();
    }

    @Test
    void xdpOnTheInterfaceGivenAtRunTime() throws Exception {
        try (CliProcess ebpm = CliProcess.start("run", fixture("xdp_count").toString(), "--ifname", IF, "--json")) {
            ebpm.awaitStderr("running", READY);
            assertTrue(sh("ip", "link", "show", IF).contains("xdp"), "XDP program attached to " + IF);
            sendPacket();
            String idx = ifindex();
            ebpm.awaitLine(l -> l.contains("\"ifindex\":" + idx), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
        }
        assertFalse(sh("ip", "link", "show", IF).contains("xdp"), "XDP detached on exit");
    }

    @Test
    void tcIngressDetachesCleanlyOnExit() throws Exception {
        try (CliProcess ebpm = CliProcess.start("run", fixture("tc_count").toString(), "--ifname", IF, "--json")) {
            ebpm.awaitStderr("running", READY);
            assertTrue(sh("tc", "filter", "show", "dev", IF, "ingress").contains("tc_count"), "filter installed");
            sendPacket();
            String idx = ifindex();
            ebpm.awaitLine(l -> l.contains("\"ifindex\":" + idx), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
        }
        assertEquals("", sh("tc", "filter", "show", "dev", IF, "ingress").trim(), "filter removed on exit");
        assertFalse(sh("tc", "qdisc", "show", "dev", IF).contains("clsact"), "the clsact qdisc ebpm created is gone");
    }

    @Test
    void xdpWithoutAnInterfaceSaysWhatToPass() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("xdp_count").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("needs an interface: pass --ifname IF"), r.stderr());
    }

    @Test
    void uprobeBinaryOverride() throws Exception {
        String libc = List.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6").stream()
                .filter(p -> new java.io.File(p).exists()).findFirst().orElseThrow();
        try (CliProcess ebpm = CliProcess.start("run", fixture("uprobe_getpid").toString(), "--uprobe-binary", libc, "--json")) {
            ebpm.awaitStderr("running", READY);
            Process py = new ProcessBuilder("python3", "-c", "import os; os.getpid()").start();
            py.waitFor();
            ebpm.awaitLine(l -> l.contains("\"pid\":" + py.pid() + ","), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void uprobeOnAMissingBinarySaysSo() throws Exception {
        CliProcess.Result r = CliProcess.run("run", fixture("uprobe_getpid").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("program 'getpid_probe'") && r.stderr().contains("--uprobe-binary"), r.stderr());
    }
}
