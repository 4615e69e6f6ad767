package dev.ebpm.core.runs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a run's recorded pid is still its runner, read from /proc, including right after the runner was spawned. */
class ReconcilerTest {
    private static RunRecord run(String id, long pid, String pidStart) {
        return new RunRecord(id, "sigsnoop", "1.0.0", "bpf", List.of("sigsnoop"), pid, pidStart, 0, Instant.now(), null,
                RunState.RUNNING, null, null, null, null, List.of(), "no", 0);
    }

    private static Process standIn(String id) throws Exception {
        return new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", DetachedRuns.RUNNER_COMMAND, id).start();
    }

    @Test
    void aRunnerIsRecognisedTheMomentItWasStarted() throws Exception {
        // Process.start() can return while the child is still inside execve(); its cmdline then reads empty or
        // half-written. Matched by cmdline, about 1 start in 300 was taken for a dead run (more where python3 is a
        // pyenv shim: one exec more). Matched by its start, none is.
        for (int i = 0; i < 1000; i++) {
            String id = RunId.random();
            Process p = standIn(id);
            try {
                String start = Reconciler.processStart(p.pid()).orElseThrow();
                assertTrue(Reconciler.isRunner(run(id, p.pid(), start)), "start " + i + ": pid " + p.pid() + " not seen as run " + id);
                assertFalse(Reconciler.isRunner(run(id, p.pid(), start + "0")), "a reused pid (another start) is not the runner");
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aRowFromBeforeV5IsMatchedByTheRunnersCommandLine() throws Exception {
        String id = RunId.random();
        Process p = standIn(id);
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Reconciler.isRunner(run(id, p.pid(), null)) && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(Reconciler.isRunner(run(id, p.pid(), null)), "seen once its exec is done");
            assertFalse(Reconciler.isRunner(run(RunId.random(), p.pid(), null)), "another run's id does not match");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDeadProcessIsNoRunner() throws Exception {
        String id = RunId.random();
        Process p = standIn(id);
        String start = Reconciler.processStart(p.pid()).orElseThrow();
        p.destroyForcibly().waitFor();
        assertFalse(Reconciler.isRunner(run(id, p.pid(), start)));
        assertTrue(Reconciler.processStart(p.pid()).isEmpty());
    }
}
