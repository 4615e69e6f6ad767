package dev.ebpm.cli.lifecycle;

import dev.ebpm.core.runs.RunId;
import dev.ebpm.core.runs.RunDirectory;
import static dev.ebpm.cli.lifecycle.Lifecycle.ebpm;
import static dev.ebpm.cli.lifecycle.Lifecycle.objectsOf;
import static dev.ebpm.cli.lifecycle.Lifecycle.ps;
import static dev.ebpm.cli.lifecycle.Lifecycle.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run -d / ps / logs / stop on the real kernel. The daemon hosting the runs is a real detached process; the commands
 * that talk to it run in this JVM (one real CLI process checks what a user sees). Kernel objects are checked by id,
 * as other programs (other users' sigsnoop) may be loaded at the same time.
 */
class LifecycleTest {
    @TempDir Path store;

    @BeforeAll
    static void examples() {
        Lifecycle.useBundledExamples();
    }

    @AfterEach
    void stopEverything() {
        Lifecycle.stopAll(store);
    }

    private String start(String... pkgAndArgs) {
        String[] args = new String[pkgAndArgs.length + 4];
        args[0] = "run";
        args[1] = "-d";
        args[2] = "--store";
        args[3] = store.toString();
        System.arraycopy(pkgAndArgs, 0, args, 4, pkgAndArgs.length);
        CliProcess.Result r = ebpm(args);
        assertEquals(0, r.exitCode(), "run -d failed: " + r.stderr());
        assertTrue(RunId.isValid(r.stdout()), "run -d prints the id: '" + r.stdout() + "'");
        return r.stdout();
    }

    /** A shell that starts `sleep`, signals it and waits; returns the shell's pid. */
    static long signalFromChild(String signal) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 30 & kill -" + signal + " $!; wait").start();
        sh.waitFor();
        return sh.pid();
    }

    @Test
    void twoRunsAreListedLoggedAndStoppedOneByOne() throws Exception {
        String sig = start("sigsnoop");
        String boot = start("bootstrap");
        JsonNode ps = ps(store);
        assertEquals(2, ps.size(), ps.toString());
        JsonNode s = run(ps, sig);
        JsonNode b = run(ps, boot);
        assertEquals("running", s.get("state").asText());
        // a run's arguments and events are its owner's alone, as is the store that records them
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(RunDirectory.of(store, sig).dir())));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve("store.db"))));
        assertEquals("sigsnoop", s.get("package").asText());
        assertEquals("1.0.0", s.get("version").asText());
        assertEquals(6, s.get("programs").asInt());
        assertTrue(s.get("attach_points").toString().contains("kill_entry -> tracepoint/syscalls/sys_enter_kill"), s.toString());
        assertEquals("running", b.get("state").asText());
        long sigPid = s.get("pid").asLong();
        long bootPid = b.get("pid").asLong();
        assertEquals(Lifecycle.daemonPid(store), sigPid, "the daemon hosts sigsnoop");
        assertEquals(sigPid, bootPid, "one daemon hosts both runs");
        Set<String> sigObjects = objectsOf(sig);
        Set<String> bootObjects = objectsOf(boot);
        assertTrue(sigObjects.stream().filter(o -> o.startsWith("prog:")).count() >= 6, "sigsnoop's programs are pinned: " + sigObjects);
        assertEquals(6, sigObjects.stream().filter(o -> o.startsWith("link:")).count(), "and its six links: " + sigObjects);

        // a signal a child sends reaches `ebpm logs` as a JSON line
        String event = null;
        for (int i = 0; i < 50 && event == null; i++) {
            long shell = signalFromChild("USR1");
            Thread.sleep(100);
            for (String line : ebpm("logs", "--store", store.toString(), sig).stdout().split("\n")) {
                if (line.contains("\"pid\":" + shell + ",")) event = line;
            }
        }
        assertNotNull(event, "no SIGUSR1 event in the log");
        JsonNode e = Lifecycle.JSON.readTree(event);
        assertEquals(10, e.get("sig").asInt());
        assertEquals("sh", e.get("comm").asText());
        assertTrue(ebpm("logs", "--store", store.toString(), "--since", "1h", sig).stdout().contains(event));
        assertFalse(ebpm("logs", "--store", store.toString(), "--since", "2099-01-01T00:00:00Z", sig).stdout().contains("pid"));
        assertTrue(ebpm("logs", "--store", store.toString(), "-t", sig).stdout().matches("(?s)\\d{4}-\\d\\d-\\d\\dT.*Z \\{.*"));

        // stop one: the other keeps running
        CliProcess.Result stop = ebpm("stop", "--store", store.toString(), sig);
        assertEquals(0, stop.exitCode(), stop.stderr());
        assertEquals(sig, stop.stdout());
        assertEquals(Set.of(boot), Lifecycle.hosted(store), "the daemon hosts sigsnoop no more");
        assertFalse(Files.exists(RunDirectory.BPFFS.resolve(sig)), "sigsnoop's pins are removed");
        assertEquals(Set.of(), Lifecycle.stillLoaded(sigObjects), "sigsnoop's programs, maps and links are gone");
        ps = ps(store);
        assertEquals(1, ps.size(), ps.toString());
        assertEquals(boot, ps.get(0).get("id").asText());
        assertTrue(Lifecycle.alive(bootPid));
        assertTrue(Lifecycle.kernelObjects().containsAll(bootObjects), "bootstrap is still loaded");
        JsonNode ended = run(ps(store, "-a"), sig);
        assertEquals("exited", ended.get("state").asText());
        assertEquals("TERM", ended.get("signal").asText());
        assertTrue(ended.get("events").asLong() >= 1, ended.toString());

        // stop --all, from a real CLI process this time
        CliProcess.Result all = CliProcess.run(Map.of("EBPM_HOME", store.toString()), Duration.ofSeconds(60), "stop", "--all");
        assertEquals(0, all.exitCode(), all.stderr());
        assertEquals(boot, all.stdout().strip());
        assertEquals(Set.of(), Lifecycle.stillLoaded(bootObjects));
        assertEquals(0, ps(store).size());
        assertEquals(2, ps(store, "--all").size());
    }

    /**
     * A run whose programs went away with its host (the daemon killed, and the links it pinned gone, as after a reboot)
     * is shown killed; reconciliation removes what is left of its pins, and nothing of it stays loaded.
     */
    @Test
    void aRunThatLostItsProgramsIsShownKilledAndLeavesNothing() throws Exception {
        String id = start("sigsnoop");
        long pid = run(ps(store), id).get("pid").asLong();
        Set<String> objects = objectsOf(id);
        Path pins = RunDirectory.BPFFS.resolve(id);
        assertTrue(Files.isDirectory(pins.resolve("progs")), "the run pinned its programs");
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        for (int i = 0; i < 100 && Lifecycle.alive(pid); i++) Thread.sleep(20);
        try (var links = Files.list(pins.resolve("links"))) {
            for (Path link : links.toList()) Files.delete(link); // the attachments go, as a reboot takes them
        }
        CliProcess.Result r = ebpm("ps", "--store", store.toString());
        assertTrue(r.stderr().contains("run " + id + " (sigsnoop) is gone: killed"), r.stderr());
        JsonNode k = run(ps(store, "-a"), id);
        assertEquals("killed", k.get("state").asText());
        assertNotNull(k.get("ended_at").textValue());
        assertFalse(Files.exists(pins), "reconciliation removed the run's bpffs directory");
        assertEquals(Set.of(), Lifecycle.stillLoaded(objects));
        CliProcess.Result stop = ebpm("stop", "--store", store.toString(), id);
        assertEquals(1, stop.exitCode());
        assertTrue(stop.stderr().contains("is not running: killed"), stop.stderr());
    }

    /** ps fits $COLUMNS (the ATTACHED column cut with an ellipsis); --wide and a pipe get the whole line. */
    @Test
    void psFitsTheWidthUnlessWide() throws Exception {
        String id = start("sigsnoop"); // six attach points: a line far over 80 columns
        String whole = "tracepoint/syscalls/sys_enter_kill, tracepoint/syscalls/sys_exit_kill, tracepoint/syscalls/sys_enter_tkill";
        CliProcess.Result narrow = CliProcess.run(Map.of("COLUMNS", "80"), Duration.ofSeconds(60), "ps", "--store", store.toString());
        assertEquals(0, narrow.exitCode(), narrow.stderr());
        String line = narrow.stdout().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow(() -> new AssertionError(narrow.stdout()));
        assertEquals(80, line.length(), line);
        String attached = line.substring(line.indexOf("running  ") + 9);
        assertTrue(attached.endsWith("\u2026") && attached.length() >= 8 && whole.startsWith(attached.substring(0, attached.length() - 1)), line);
        assertTrue(narrow.stdout().lines().allMatch(l -> l.length() <= 80), narrow.stdout());
        CliProcess.Result wide = CliProcess.run(Map.of("COLUMNS", "80"), Duration.ofSeconds(60), "ps", "--wide", "--store", store.toString());
        assertTrue(wide.stdout().contains(whole + ", tracepoint/syscalls/sys_exit_tkill, tracepoint/syscalls/sys_enter_tgkill, "
                + "tracepoint/syscalls/sys_exit_tgkill") && !wide.stdout().contains("\u2026"), wide.stdout());
        CliProcess.Result piped = ebpm("ps", "--store", store.toString());
        assertTrue(piped.stdout().contains(whole) && piped.stdout().contains("sys_exit_tgkill") && !piped.stdout().contains("\u2026"), piped.stdout());
    }

    @Test
    void stopRefusesUnknownStoppedAndMalformedIds() throws Exception {
        CliProcess.Result bad = ebpm("stop", "--store", store.toString(), "../x");
        assertEquals(1, bad.exitCode());
        assertEquals("ebpm: error: invalid run id '../x': a run id is 12 hex digits (see ebpm ps)\n", bad.stderr());
        CliProcess.Result badLogs = ebpm("logs", "--store", store.toString(), "../../etc/passwd");
        assertEquals(1, badLogs.exitCode());
        assertTrue(badLogs.stderr().startsWith("ebpm: error: invalid run id"), badLogs.stderr());
        CliProcess.Result unknown = ebpm("stop", "--store", store.toString(), "0123456789ab");
        assertEquals(1, unknown.exitCode());
        assertEquals("ebpm: error: no run with id 0123456789ab (see ebpm ps -a)\n", unknown.stderr());
        CliProcess.Result noName = ebpm("stop", "--store", store.toString(), "opensnoop");
        assertEquals(1, noName.exitCode());
        assertTrue(noName.stderr().contains("no running run of package 'opensnoop'"), noName.stderr());

        String id = start("sigsnoop");
        assertEquals(0, ebpm("stop", "--store", store.toString(), "sigsnoop").exitCode(), "stop by package name");
        CliProcess.Result again = ebpm("stop", "--store", store.toString(), id);
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().startsWith("ebpm: error: run " + id + " (sigsnoop) is not running: stopped (SIGTERM) at "), again.stderr());
        CliProcess.Result none = ebpm("stop", "--store", store.toString(), "--all");
        assertEquals(0, none.exitCode());
        assertTrue(none.stderr().contains("no running programs to stop"), none.stderr());
    }

    @Test
    void aRunThatCannotLoadFailsAtOnceWithTheReason() throws Exception {
        CliProcess.Result r = ebpm("run", "-d", "--store", store.toString(), "--btf", "/nonexistent/vmlinux", "sigsnoop");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("/nonexistent/vmlinux does not exist"), r.stderr());
        JsonNode all = ps(store, "-a");
        assertEquals(1, all.size());
        assertEquals("failed", all.get(0).get("state").asText());
        assertTrue(all.get(0).get("error").asText().contains("does not exist"), all.toString());
    }

    @Test
    void aWasmGuestKeepsItsOwnDashD() throws Exception {
        // `-d 2` after the package is the guest's own duration option, not ebpm's --detach
        String id = start("sigsnoop-wasm", "-d", "2");
        JsonNode r = run(ps(store, "-a"), id);
        assertEquals("wasm", r.get("kind").asText());
        // the runner is given the verified copy the CLI pinned in the run's directory, then the guest's own words
        JsonNode args = r.get("args");
        assertEquals(4, args.size(), args.toString());
        assertEquals("--detach", args.get(0).asText());
        assertTrue(args.get(1).asText().endsWith("/runs/" + id + "/package/sigsnoop-wasm.wasm"), args.toString());
        assertEquals("-d", args.get(2).asText());
        assertEquals("2", args.get(3).asText());
        for (int i = 0; i < 200 && run(ps(store, "-a"), id).get("state").asText().equals("running"); i++) Thread.sleep(50);
        JsonNode done = run(ps(store, "-a"), id);
        assertEquals("exited", done.get("state").asText(), done.toString());
        assertEquals(0, done.get("exit_code").asInt());
        assertNull(done.get("signal").textValue());
    }
}
