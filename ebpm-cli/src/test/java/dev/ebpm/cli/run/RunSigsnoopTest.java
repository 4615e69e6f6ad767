package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** sigsnoop end to end on the real kernel: a child sends a signal, ebpm prints the event. */
class RunSigsnoopTest {
    private static final List<String> PROGS = List.of("kill_entry", "kill_exit", "tkill_entry", "tkill_exit", "tgkill_entry", "tgkill_exit");
    private static final Duration READY = Duration.ofSeconds(90);

    /** A shell that starts `sleep`, signals it and waits; returns {shell pid, sleep pid}. */
    static long[] signalFromChild(String signal) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 30 & echo $!; kill -" + signal + " $!; wait").start();
        BufferedReader r = new BufferedReader(new InputStreamReader(sh.getInputStream()));
        long target = Long.parseLong(r.readLine().trim());
        sh.waitFor();
        return new long[] {sh.pid(), target};
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    final KernelState.NothingLeftLoaded nothingOfOursStaysLoaded = new KernelState.NothingLeftLoaded(PROGS);

    @Test
    void tablePrintsTheSignalAChildSent() throws Exception {
        try (CliProcess ebpm = CliProcess.start("run", "sigsnoop")) {
            ebpm.awaitLine(l -> l.startsWith("TIME") && l.contains("TPID") && l.contains("SIG"), READY);
            ebpm.awaitStderr("running", READY);
            long[] pids = signalFromChild("USR1");
            String line = ebpm.awaitLine(l -> columns(l).length >= 6 && columns(l)[1].equals(Long.toString(pids[0])), Duration.ofSeconds(10));
            String[] c = columns(line);
            assertEquals(Long.toString(pids[1]), c[2], "TPID column: " + line);
            assertEquals("10", c[3], "SIG column (SIGUSR1): " + line);
            assertEquals("0", c[4], "RET column: " + line);
            assertEquals("sh", c[5], "COMM column: " + line);
            assertEquals(130, ebpm.interrupt(Duration.ofSeconds(15)), "exit code after Ctrl-C; stderr: " + ebpm.stderr());
        }
    }

    @Test
    void jsonLinesParseAndCarryTheEvent() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (CliProcess ebpm = CliProcess.start("run", "sigsnoop", "--json")) {
            ebpm.awaitStderr("running", READY);
            long[] pids = signalFromChild("TERM");
            String line = ebpm.awaitLine(l -> l.startsWith("{") && l.contains("\"pid\":" + pids[0] + ","), Duration.ofSeconds(10));
            JsonNode e = json.readTree(line);
            assertEquals(pids[0], e.get("pid").asLong());
            assertEquals(pids[1], e.get("tpid").asLong());
            assertEquals(15, e.get("sig").asInt());
            assertEquals("sh", e.get("comm").asText());
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void targetSignalOptionFiltersInTheKernel() throws Exception {
        try (CliProcess ebpm = CliProcess.start("run", "sigsnoop", "--json", "--target_signal", "12")) {
            ebpm.awaitStderr("running", READY);
            long[] usr1 = signalFromChild("USR1");
            long[] usr2 = signalFromChild("USR2");
            String line = ebpm.awaitLine(l -> l.contains("\"pid\":" + usr2[0] + ","), Duration.ofSeconds(10));
            assertTrue(line.contains("\"sig\":12"), line);
            ebpm.interrupt(Duration.ofSeconds(15));
            for (String seen : ebpm.stdoutSeen()) {
                assertFalse(seen.contains("\"pid\":" + usr1[0] + ","), "SIGUSR1 passed the filter: " + seen);
            }
        }
    }

    @Test
    void unknownOptionIsRefusedWithTheValidOnes() throws Exception {
        CliProcess.Result r = CliProcess.run("run", "sigsnoop", "--no_such_option", "1");
        assertEquals(2, r.exitCode(), "a usage mistake (issue 17: exit 2, with a hint to the package's help)");
        assertTrue(r.stderr().endsWith("Try 'ebpm run PKG --help' for the package's options.\n"), r.stderr());
        assertTrue(r.stderr().contains("unknown option '--no_such_option'"), r.stderr());
        assertTrue(r.stderr().contains("--target_signal"), r.stderr());
        assertTrue(r.stderr().contains("--enable-failed_only"), r.stderr());
    }

    @Test
    void badValueIsRefusedWithItsType() throws Exception {
        CliProcess.Result r = CliProcess.run("run", "sigsnoop", "--target_signal", "nine");
        assertEquals(2, r.exitCode(), "a usage mistake (issue 17: exit 2, with a hint to the package's help)");
        assertTrue(r.stderr().contains("--target_signal expects an integer"), r.stderr());
    }

    @Test
    void packageHelpListsItsOptions() throws Exception {
        CliProcess.Result r = CliProcess.run("run", "sigsnoop", "--help");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("--target_signal <int>"), r.stdout());
        assertTrue(r.stdout().contains("--filtered_pid <pid_t>"), r.stdout());
        assertTrue(r.stdout().contains("--enable-failed_only"), r.stdout());
    }

    static String[] columns(String line) {
        return line.trim().split("\\s+");
    }

    @Test
    void kernelBtfFromAFile() throws Exception {
        CliProcess.Result ok = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", "sigsnoop", "--btf", "/sys/kernel/btf/vmlinux", "--duration", "0.5");
        assertEquals(0, ok.exitCode(), ok.stderr());
        CliProcess.Result viaEnv = CliProcess.run(java.util.Map.of("BTF_FILE_PATH", "/no/such/btf"), Duration.ofSeconds(120), "run", "sigsnoop", "--duration", "0.5");
        assertEquals(1, viaEnv.exitCode());
        assertTrue(viaEnv.stderr().contains("/no/such/btf"), viaEnv.stderr());
    }
}
