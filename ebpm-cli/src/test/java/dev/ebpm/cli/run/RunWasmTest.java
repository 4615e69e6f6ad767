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
        for (String f : new String[] {"app.c", "my_wasm.h", "my_wasm.bpf.c", "ebpm.json", ".github/workflows/ebpm.yml"}) {
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

    @Test
    void initBuildAndRunAWasmAppWithTheGeneratedSkeleton(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        assertEquals(0, dev.ebpm.cli.InProcess.execute("init", "--wasm", "-C", tmp.toString(), "x").exitCode());
        java.nio.file.Path dir = tmp.resolve("x");
        CliProcess.Result build = dev.ebpm.cli.InProcess.execute("build", "--wasm", dir.toString());
        assertEquals(0, build.exitCode(), build.stderr());
        java.nio.file.Path app = dir.resolve("app.wasm");
        assertTrue(build.stdout().endsWith(app + " (" + java.nio.file.Files.size(app) + " bytes)\n"), build.stdout());
        // the skeleton embeds the object and the package.json it was built into; app.wasm carries both
        String json = java.nio.file.Files.readString(dir.resolve(".output/package.json"));
        String wasm = new String(java.nio.file.Files.readAllBytes(app), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(wasm.contains(json.substring(0, 200)), "app.wasm holds the package.json it was built with");
        try (CliProcess ebpm = CliProcess.start("run", "--duration", "30", app.toString(), "-s", "12")) {
            ebpm.awaitStderr("tracing", Duration.ofSeconds(120));
            long[] usr1 = RunSigsnoopTest.signalFromChild("USR1");
            long[] usr2 = RunSigsnoopTest.signalFromChild("USR2");
            String line = ebpm.awaitLine(l -> l.contains("pid=" + usr2[0] + " "), Duration.ofSeconds(10));
            assertTrue(line.contains("sig=12"), line);
            // -s 12 went into .rodata through skel->rodata before the load: the kernel side dropped SIGUSR1
            assertFalse(ebpm.stdoutSeen().stream().anyMatch(l -> l.contains("pid=" + usr1[0] + " ")), ebpm.stdoutSeen().toString());
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void durationEndsAWasmRunWithStatusZero() throws Exception {
        long start = System.nanoTime();
        CliProcess.Result r = CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), "run", "--duration", "6", "sigsnoop-wasm");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("tracing"), "the guest ran before the time was up: " + r.stderr());
        assertTrue(System.nanoTime() - start >= 6_000_000_000L, "it ran at least the duration");
    }
}
