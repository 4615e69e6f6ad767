package dev.ebpm.cli.lifecycle;

import static dev.ebpm.cli.lifecycle.Lifecycle.ebpm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 20 start/stop cycles leave the kernel's program and link counts where they were. */
class LifecycleCyclesTest {
    private static final int CYCLES = 20;

    @TempDir Path store;

    @BeforeAll
    static void examples() {
        Lifecycle.useBundledExamples();
    }

    @Test
    void twentyStartStopCyclesLeakNothing() throws Exception {
        int programsBefore = KernelState.programNames().size();
        int linksBefore = KernelState.linkCount();
        Set<String> before = Lifecycle.kernelObjects();
        Set<String> ours = new HashSet<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            CliProcess.Result r = ebpm("run", "-d", "--store", store.toString(), "sigsnoop");
            assertEquals(0, r.exitCode(), "cycle " + i + ": " + r.stderr());
            long pid = Lifecycle.run(Lifecycle.ps(store), r.stdout()).get("pid").asLong();
            ours.addAll(Lifecycle.heldBy(pid)); // the daemon hosts this run alone: what it holds is the run's
            ours.addAll(Lifecycle.objectsOf(r.stdout()));
            CliProcess.Result s = ebpm("stop", "--store", store.toString(), r.stdout());
            assertEquals(0, s.exitCode(), "cycle " + i + ": " + s.stderr());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(Set.of(), Lifecycle.stillLoaded(ours), "programs, maps or links of ours still loaded");
        Set<String> after = Lifecycle.kernelObjects();
        Set<String> appeared = new HashSet<>(after);
        appeared.removeAll(before);
        appeared.retainAll(ours);
        assertEquals(Set.of(), appeared);
        // other sessions on this machine may load programs meanwhile: compare counts only when nobody else did
        Set<String> foreign = new HashSet<>(after);
        foreign.removeAll(before);
        Set<String> gone = new HashSet<>(before);
        gone.removeAll(after);
        if (foreign.isEmpty() && gone.isEmpty()) {
            assertEquals(programsBefore, KernelState.programNames().size());
            assertEquals(linksBefore, KernelState.linkCount());
        }
        assertEquals(CYCLES, Lifecycle.ps(store, "-a").size());
        System.out.printf("%d run -d/stop cycles in %.1f s%n", CYCLES, seconds);
        assertTrue(seconds < 120, "cycles took " + seconds + " s");
    }

    @org.junit.jupiter.api.AfterEach
    void stopTheDaemon() {
        Lifecycle.stopAll(store);
    }
}
