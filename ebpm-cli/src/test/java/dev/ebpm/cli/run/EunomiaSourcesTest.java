package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.cli.KernelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources written in eunomia-bpf's conventions (ebpm-cli/src/test/resources/eunomia: the event header beside the
 * .bpf.c, doc comments, const volatile options, histograms, a uretprobe on bash's readline, tc, xdp, perf_event
 * sampling), built from source with {@code ebpm build} as ecc builds them, then run on this kernel.
 */
class EunomiaSourcesTest {
    private static final Path FIXTURES = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources/eunomia");
    private static final List<String> ALL = List.of("bashreadline", "profile", "runqlat", "tc", "xdp", "kprobe-link", "fentry-link", "lsm-connect");
    private static final Duration READY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    // a veth pair per test JVM, so that concurrent test runs on one machine do not share an interface
    private static final long TAG = ProcessHandle.current().pid() % 250;
    private static final String NS = "ebpmeu" + TAG;
    private static final String IF = "ebpme" + TAG + "a";
    private static final String PEER = "ebpme" + TAG + "b";
    private static final String NET = "10.197." + TAG + ".";

    @TempDir
    static Path out;
    private static final Map<String, Path> BUILT = new TreeMap<>();

    @BeforeAll
    static void buildEveryFixture() throws Exception {
        for (String name : ALL) {
            Path dir = out.resolve(name);
            CliProcess.Result r = InProcess.execute("build", FIXTURES.resolve(name).toString(), "-o", dir.toString());
            assertEquals(0, r.exitCode(), name + ": " + r.stderr());
            assertEquals(dir.resolve("package.json") + " (" + Files.size(dir.resolve("package.json")) + " bytes)\n", r.stdout());
            BUILT.put(name, dir.resolve("package.json"));
        }
        RunAttachTest.sh("ip", "netns", "add", NS);
        RunAttachTest.sh("ip", "link", "add", IF, "type", "veth", "peer", "name", PEER, "netns", NS);
        RunAttachTest.sh("ip", "addr", "add", NET + "1/24", "dev", IF);
        RunAttachTest.sh("ip", "link", "set", IF, "up");
        RunAttachTest.sh("ip", "netns", "exec", NS, "ip", "addr", "add", NET + "2/24", "dev", PEER);
        RunAttachTest.sh("ip", "netns", "exec", NS, "ip", "link", "set", PEER, "up");
    }

    @AfterAll
    static void removeTheVethPair() throws Exception {
        new ProcessBuilder("ip", "link", "del", IF).start().waitFor();
        new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
    }

    private static JsonNode meta(String name) throws Exception {
        return JSON.readTree(BUILT.get(name).toFile()).get("meta");
    }

    @Test
    void everyStructOfTheEventHeaderIsExportedAsEccExportsIt() throws Exception {
        Pattern struct = Pattern.compile("struct\\s+(\\w+)\\s*\\{");
        for (String name : ALL) {
            Path header = FIXTURES.resolve(name).resolve(name + ".h");
            List<String> declared = new ArrayList<>();
            if (Files.exists(header)) {
                Matcher m = struct.matcher(Files.readString(header));
                while (m.find()) declared.add(m.group(1));
            }
            JsonNode meta = meta(name);
            List<String> exported = new ArrayList<>();
            meta.get("export_types").forEach(t -> exported.add(t.get("name").asText()));
            assertEquals(declared, exported, name + ": export_types are the header's structs");
            // ecc keeps each in BTF with a marker pointer in .bss, which its skeleton lists
            List<String> markers = new ArrayList<>();
            for (JsonNode ds : meta.at("/bpf_skel/data_sections")) {
                for (JsonNode v : ds.get("variables")) {
                    if (v.get("name").asText().startsWith("__eunomia_dummy_")) {
                        assertEquals(".bss", ds.get("name").asText());
                        markers.add(v.get("name").asText() + ":" + v.get("type").asText());
                    }
                }
            }
            assertEquals(declared.stream().map(s -> "__eunomia_dummy_" + s + "_ptr:struct " + s + " *").toList(), markers, name);
        }
        JsonNode profile = meta("profile").at("/export_types/0/members");
        assertEquals("stack_trace_t", profile.get(5).get("type").asText(), "typedef names are kept, as bpftool prints them");
        assertEquals("__u32[26]", meta("runqlat").at("/export_types/0/members/0/type").asText());
    }

    @Test
    void docCommentsBecomeOptionsSamplingAndAttachPoints() throws Exception {
        JsonNode v = meta("bashreadline").at("/bpf_skel/data_sections/0/variables/0");
        assertEquals("target_pid", v.get("name").asText());
        assertEquals("Only report lines read by this process id (0: all)", v.get("description").asText());
        assertEquals("p", v.at("/cmdarg/short").asText());
        assertEquals("Reports the line readline() returned", meta("bashreadline").at("/bpf_skel/progs/0/description").asText());
        JsonNode hists = null;
        for (JsonNode m : meta("runqlat").at("/bpf_skel/maps")) if (m.get("name").asText().equals("hists")) hists = m;
        assertEquals("log2_hist", hists.at("/sample/type").asText());
        assertEquals(1000, hists.at("/sample/interval").asInt());
        assertEquals("BPF_TC_INGRESS", meta("tc").at("/bpf_skel/progs/0/tchook/attach_point").asText());
        assertEquals(1, meta("tc").at("/bpf_skel/progs/0/tcopts/handle").asInt());
        assertEquals(1, meta("xdp").at("/bpf_skel/progs/0/ifindex").asInt());
        assertEquals(0, meta("xdp").at("/bpf_skel/progs/0/xdpopts/old_prog_fd").asInt());
        assertEquals(49, meta("profile").at("/bpf_skel/progs/0/sample_freq").asInt());
    }

    @Test
    void bashreadlineReportsALineTypedIntoBash() throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(List.of("printret"));
        String marker = "echo ebpm-readline-" + System.nanoTime();
        try (CliProcess ebpm = CliProcess.start("run", BUILT.get("bashreadline").toString(), "--json")) {
            ebpm.awaitStderr("running", READY);
            // an interactive bash on a terminal (script gives it one) reads its commands with readline()
            Process bash = new ProcessBuilder("script", "-qfc", "bash --norc --noprofile -i", "/dev/null")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            bash.getOutputStream().write((marker + "\nexit\n").getBytes());
            bash.getOutputStream().close();
            bash.waitFor();
            JsonNode e = JSON.readTree(ebpm.awaitLine(l -> l.contains(marker), Duration.ofSeconds(10)));
            assertEquals(marker, e.get("str").asText());
            assertEquals("bash", e.get("comm").asText());
            assertTrue(e.get("pid").asLong() > 0, e.toString());
            ebpm.interrupt(Duration.ofSeconds(15));
        }
        kernel.assertNoneLeft();
    }

    @Test
    void profileSamplesEveryCpuAndDetachesOnExit() throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(List.of("profile"));
        java.util.Set<Long> before = KernelState.programIds(List.of("profile"));
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (CliProcess ebpm = CliProcess.start("run", BUILT.get("profile").toString(), "--sample-freq", "199", "--json")) {
            ebpm.awaitStderr("running", READY);
            int cpus = Runtime.getRuntime().availableProcessors();
            java.util.Set<Long> ours = KernelState.programIds(List.of("profile"));
            ours.removeAll(before);
            assertEquals(java.util.Collections.nCopies(cpus, "perf_event"), KernelState.linkTypes(ours), "one perf_event link per online CPU");
            JsonNode e = JSON.readTree(ebpm.awaitLine(l -> l.contains("\"pid\":" + busy.pid() + ","), Duration.ofSeconds(15)));
            assertEquals("sh", e.get("comm").asText());
            assertTrue(e.get("cpu_id").asInt() < cpus, e.toString());
            assertEquals(8, e.get("ustack").size(), "stack_trace_t is printed as its 8 addresses");
            if (!Files.exists(Path.of("/sys/bus/event_source/devices/cpu"))) {
                assertTrue(ebpm.stderr().contains("samples with the software cpu-clock event instead"),
                        "no PMU here: ebpm says it falls back: " + ebpm.stderr());
            }
            ebpm.interrupt(Duration.ofSeconds(15));
        } finally {
            busy.destroyForcibly().waitFor();
        }
        kernel.assertNoneLeft();
    }

    @Test
    void runqlatPrintsTheHistogramItsDocCommentAsksFor() throws Exception {
        CliProcess.Result r = CliProcess.run(Map.of(), Duration.ofSeconds(120), "run", "--duration", "2.5", BUILT.get("runqlat").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        long total = 0;
        for (String line : r.stdout().split("\n")) {
            String[] parts = line.split(":");
            if (parts.length >= 2 && parts[0].contains("->")) total += Long.parseLong(parts[1].trim().split("\\s+")[0]);
        }
        assertTrue(r.stdout().contains("usecs"), r.stdout());
        assertTrue(total > 0, "a 2.5 s run sees scheduler wake-ups: " + r.stdout());
    }

    @Test
    void tcAndXdpReportEachPacketOnTheInterfaceGiven() throws Exception {
        String ifindex = RunAttachTest.sh("cat", "/sys/class/net/" + IF + "/ifindex").trim();
        try (CliProcess ebpm = CliProcess.start("run", BUILT.get("tc").toString(), "--ifname", IF, "--json")) {
            ebpm.awaitStderr("running", READY);
            RunAttachTest.sh("ip", "netns", "exec", NS, "bash", "-c", "echo ebpm > /dev/udp/" + NET + "1/9");
            JsonNode p = JSON.readTree(ebpm.awaitLine(l -> l.contains("\"ifindex\":" + ifindex + ",") && l.contains("\"protocol\":17"),
                    Duration.ofSeconds(10)));
            assertEquals(64, p.get("ttl").asInt(), p.toString());
            ebpm.interrupt(Duration.ofSeconds(15));
        }
        assertEquals("", RunAttachTest.sh("tc", "filter", "show", "dev", IF, "ingress").trim(), "filter removed on exit");
        try (CliProcess ebpm = CliProcess.start("run", BUILT.get("xdp").toString(), "--ifname", IF, "--json")) {
            ebpm.awaitStderr("running", READY);
            RunAttachTest.sh("ip", "netns", "exec", NS, "bash", "-c", "echo ebpm > /dev/udp/" + NET + "1/9");
            JsonNode f = JSON.readTree(ebpm.awaitLine(l -> l.contains("\"ifindex\":" + ifindex + ",") && l.contains("\"eth_proto\":2048"),
                    Duration.ofSeconds(10)));
            assertTrue(f.get("size").asInt() >= 14 + 20 + 8 + 5, "ethernet, IPv4 and UDP headers and 'ebpm\\n': " + f);
            ebpm.interrupt(Duration.ofSeconds(15));
        }
        assertFalse(RunAttachTest.sh("ip", "link", "show", IF).contains("xdp"), "XDP detached on exit");
    }

    @Test
    void kprobeFentryAndLsmBuildAndAreRefusedInOneLine() throws Exception {
        Map<String, List<String>> reasons = Map.of(
                "kprobe-link", List.of("program 'do_unlinkat' (kprobe/do_unlinkat)", "CONFIG_KPROBES is off"),
                "fentry-link", List.of("(fentry/do_unlinkat) cannot be loaded", "does not allow fentry/fexit programs"),
                "lsm-connect", List.of("program 'restrict_connect' (lsm/socket_connect)", "BPF LSM is not enabled"));
        for (Map.Entry<String, List<String>> e : reasons.entrySet()) {
            CliProcess.Result r = CliProcess.run("run", BUILT.get(e.getKey()).toString());
            assertEquals(1, r.exitCode(), e.getKey() + ": " + r.stderr());
            String first = r.stderr().lines().findFirst().orElse("");
            assertTrue(first.startsWith("ebpm: error: "), first);
            for (String f : e.getValue()) assertTrue(first.contains(f), e.getKey() + ": '" + f + "' missing from: " + first);
            assertFalse(r.stderr().contains("\tat "), r.stderr());
        }
    }
}
