package dev.ebpm.cli.lifecycle;

import dev.ebpm.core.runs.RunId;
import dev.ebpm.core.runs.Reconciler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Main;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One user cannot stop another user's runs; root can. The runs are rows written directly, each with a stand-in
 * runner (a process whose argv says "runner ID"); the refused user is a real one (nobody, through setpriv).
 */
class LifecycleOwnerTest {
    @TempDir Path store;
    @TempDir Path classpath;
    private final List<Process> standIns = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        standIns.forEach(Process::destroyForcibly);
    }

    private String fakeRun(int uid) throws Exception {
        String id = RunId.random();
        Process p = new ProcessBuilder("python3", "-c", "import time; time.sleep(60)", dev.ebpm.core.runs.DetachedRuns.RUNNER_COMMAND, id).start();
        standIns.add(p);
        try (LocalStore s = LocalStore.open(store)) {
            s.runs().insert(new RunRecord(id, "sigsnoop", "1.0.0", "bpf", List.of("sigsnoop"), p.pid(),
                    Reconciler.processStart(p.pid()).orElseThrow(), uid, Instant.now(), null,
                    RunState.RUNNING, null, null, null, null, List.of(), "no", 0));
        }
        return id;
    }

    @Test
    void rootMayStopAnotherUsersRun() throws Exception {
        String id = fakeRun(4242);
        CliProcess.Result r = Lifecycle.ebpm("stop", "--store", store.toString(), id);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(standIns.get(0).waitFor(5, TimeUnit.SECONDS));
        assertEquals("4242", Lifecycle.run(Lifecycle.ps(store, "-a"), id).get("uid").asText());
    }

    @Test
    void anotherUserIsRefused() throws Exception {
        String id = fakeRun(0);
        openToEveryone(store);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", Lifecycle.readableClasspath(classpath), Main.class.getName()));
        cmd.addAll(List.of("stop", "--store", store.toString(), id));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("ebpm: error: run " + id + " belongs to uid 0"), out);
        assertTrue(standIns.get(0).isAlive(), "the run was left alone");
        // root trusts only a store no other user can change (SafeOwnership): the store is made root's alone again
        closeToOthers(store);
        CliProcess.Result logs = Lifecycle.ebpm("logs", "--store", store.toString(), id);
        assertEquals(0, logs.exitCode(), "root reads any run's log: " + logs.stderr());
        assertFalse(logs.stderr().contains("belongs"));
    }

    private static void openToEveryone(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (var s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        }
    }

    private static void closeToOthers(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        try (var s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        }
    }
}
