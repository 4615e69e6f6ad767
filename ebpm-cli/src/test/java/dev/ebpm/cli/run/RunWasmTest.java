package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** `ebpm run` of the bundled WASM app: the guest prints the event, its arguments are its own. */
class RunWasmTest {
    @Test
    void wasmGuestPrintsTheSignalEvent() throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(java.util.List.of("wsig_enter", "wsig_exit"));
        try (CliProcess ebpm = CliProcess.start("run", "sigsnoop-wasm", "-d", "30")) {
            ebpm.awaitStderr("tracing", Duration.ofSeconds(120));
            long[] pids = RunSigsnoopTest.signalFromChild("USR2");
            String line = ebpm.awaitLine(l -> l.contains("pid=" + pids[0] + " "), Duration.ofSeconds(10));
            assertTrue(line.contains("tpid=" + pids[1]) && line.contains("sig=12"), line);
            assertEquals(130, ebpm.interrupt(Duration.ofSeconds(15)), ebpm.stderr());
        }
        kernel.assertNoneLeft();
    }

    @Test
    void guestExitStatusIsEbpmsExitStatus() throws Exception {
        CliProcess.Result r = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", "sigsnoop-wasm", "-d", "0.2");
        assertEquals(0, r.exitCode(), r.stderr());
        CliProcess.Result bad = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", "sigsnoop-wasm", "--bogus");
        assertTrue(bad.exitCode() != 0, "the guest rejects an unknown argument with its own status");
        assertTrue(bad.stderr().contains("usage: sigsnoop-wasm"), bad.stderr());
    }

    @Test
    void initWasmScaffoldsAnAppThatBuildsAndRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        CliProcess.Result init = CliProcess.run("init", "--wasm", "-C", tmp.toString(), "my-wasm");
        assertEquals(0, init.exitCode(), init.stderr());
        java.nio.file.Path dir = tmp.resolve("my-wasm");
        for (String f : new String[] {"app.c", "libbpf-wasm.h", "build.sh", "my_wasm.bpf.c", "ebpm.json"}) {
            assertTrue(java.nio.file.Files.exists(dir.resolve(f)), f + " scaffolded");
        }
        assertTrue(java.nio.file.Files.readString(dir.resolve("ebpm.json")).contains("\"kind\" : \"wasm\""));
        try (CliProcess ebpm = CliProcess.start("run", dir.toString(), "-d", "30")) {
            ebpm.awaitStderr("tracing", Duration.ofSeconds(120));
            long[] pids = RunSigsnoopTest.signalFromChild("USR1");
            ebpm.awaitLine(l -> l.contains("pid=" + pids[0] + " "), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }
}
