package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import dev.ebpm.cli.KernelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other bundled examples on the real kernel: perf buffers, sampled histograms, bare objects. */
class RunExamplesTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final List<String> PROGS = List.of("trace_openat_entry", "trace_openat_exit", "handle_exec", "handle_exit",
            "sched_wakeup", "sched_wakeup_new", "sched_switch");

    @org.junit.jupiter.api.extension.RegisterExtension
    final KernelState.NothingLeftLoaded nothingOfOursStaysLoaded = new KernelState.NothingLeftLoaded(PROGS);

    @Test
    void opensnoopShowsAFileTheTestOpened(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ebpm-opensnoop-marker-" + System.nanoTime());
        Files.writeString(file, "x");
        try (CliProcess ebpm = CliProcess.start("run", "opensnoop", "--json")) {
            ebpm.awaitStderr("running", READY);
            Process cat = new ProcessBuilder("cat", file.toString()).start();
            cat.waitFor();
            String line = ebpm.awaitLine(l -> l.contains(file.getFileName().toString()), Duration.ofSeconds(10));
            JsonNode e = new ObjectMapper().readTree(line);
            assertEquals(cat.pid(), e.get("pid").asLong(), line);
            assertEquals("cat", e.get("comm").asText(), line);
            assertEquals(file.toString(), e.get("fname").asText(), line);
            assertTrue(e.get("ret").asInt() >= 0, "the open succeeded, so ret is an fd: " + line);
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void runqlatPrintsANonEmptyHistogram() throws Exception {
        CliProcess.Result r = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", "runqlat", "--duration", "2.5");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("usecs") && r.stdout().contains("distribution"), r.stdout());
        long total = 0;
        for (String line : r.stdout().split("\n")) {
            String[] parts = line.split(":");
            if (parts.length >= 2 && parts[0].contains("->")) total += Long.parseLong(parts[1].trim().split("\\s+")[0]);
        }
        assertTrue(total > 0, "a 2.5 s run sees scheduler wake-ups: " + r.stdout());
    }

    @Test
    void aPlainBpfObjectRunsWithLayoutFromItsBtf() throws Exception {
        Path obj = Examples.built("sigsnoop").resolve("sigsnoop.bpf.o");
        assertTrue(Files.exists(obj), obj + " should exist after building sigsnoop");
        try (CliProcess ebpm = CliProcess.start("run", obj.toString(), "--json")) {
            ebpm.awaitStderr("running", READY);
            long[] pids = RunSigsnoopTest.signalFromChild("HUP");
            String line = ebpm.awaitLine(l -> l.contains("\"pid\":" + pids[0] + ","), Duration.ofSeconds(10));
            assertTrue(line.contains("\"sig\":1,"), line);
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void bootstrapShowsExecAndExitOfAChild() throws Exception {
        try (CliProcess ebpm = CliProcess.start("run", "bootstrap", "--json")) {
            ebpm.awaitStderr("running", READY);
            Process child = new ProcessBuilder("/bin/sleep", "0.2").start();
            child.waitFor();
            ObjectMapper json = new ObjectMapper();
            // Java starts children through jspawnhelper, which then execs sleep: wait for that second exec
            JsonNode exec = json.readTree(ebpm.awaitLine(l -> l.contains("\"pid\":" + child.pid() + ",") && l.contains("\"exit_event\":false")
                    && l.contains("\"filename\":\"/bin/sleep\""), Duration.ofSeconds(10)));
            assertEquals("sleep", exec.get("comm").asText());
            assertEquals(ProcessHandle.current().pid(), exec.get("ppid").asLong());
            JsonNode exit = json.readTree(ebpm.awaitLine(l -> l.contains("\"pid\":" + child.pid() + ",") && l.contains("\"exit_event\":true"), Duration.ofSeconds(10)));
            assertEquals(0, exit.get("exit_code").asInt());
            assertTrue(exit.get("duration_ns").asLong() >= 150_000_000L, "sleep 0.2 lived at least 150 ms: " + exit);
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }
}
