package dev.ebpm.cli.lifecycle;

import static dev.ebpm.cli.lifecycle.Lifecycle.ebpm;
import static dev.ebpm.cli.lifecycle.Lifecycle.objectsOf;
import static dev.ebpm.cli.lifecycle.Lifecycle.ps;
import static dev.ebpm.cli.lifecycle.Lifecycle.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Main;
import dev.ebpm.core.runs.RunDirectory;
import dev.ebpm.core.runs.RunId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon on the real kernel: several detached runs in one process; its kill -9 leaves their programs attached
 * (bpftool sees them) and the next daemon adopts them, so events flow to `ebpm logs` again; a run marked
 * --restart always comes back after a simulated reboot (bpffs cleared of its pins, a fresh daemon) and one that is
 * not stays dead; stop --all leaves no program, link or pin of ours; the socket admits root and its group only;
 * `ps --all` shows a program a separate C loader holds.
 */
class DaemonTest {
    @TempDir Path store;
    @TempDir Path work;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void examples() {
        Lifecycle.useBundledExamples();
    }

    @AfterEach
    void stopEverything() throws Exception {
        Lifecycle.stopAll(store);
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private String start(String... pkgAndArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--store", store.toString()));
        args.addAll(List.of(pkgAndArgs));
        CliProcess.Result r = ebpm(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "run -d failed: " + r.stderr());
        assertTrue(RunId.isValid(r.stdout()), "run -d prints the id: '" + r.stdout() + "'");
        return r.stdout();
    }

    /** A daemon started as `ebpm daemon` (as systemd would), waited for until it answers. */
    private long startDaemon() throws Exception {
        CliProcess d = CliProcess.start(Map.of(), "daemon", "--store", store.toString());
        started.add(d.process());
        d.awaitStderr("serves", Duration.ofSeconds(60));
        return d.pid();
    }

    private static void kill9(long pid) throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        for (int i = 0; i < 200 && Lifecycle.alive(pid); i++) Thread.sleep(20);
        assertFalse(Lifecycle.alive(pid), "pid " + pid + " died");
    }

    /** A SIGUSR1 a child shell sends; true once sigsnoop's log for {@code run} has it. */
    private boolean signalReachesLog(String run) throws Exception {
        for (int i = 0; i < 50; i++) {
            long shell = LifecycleTest.signalFromChild("USR1");
            Thread.sleep(150);
            for (String line : ebpm("logs", "--store", store.toString(), run).stdout().split("\n")) {
                if (line.contains("\"pid\":" + shell + ",") && line.contains("\"sig\":10,")) return true;
            }
        }
        return false;
    }

    @Test
    void threeRunsInOneDaemonSurviveItsKillAndAreAdoptedByTheNext() throws Exception {
        // sigsnoop and bootstrap read ring buffers, opensnoop a perf buffer
        List<String> ids = List.of(start("sigsnoop"), start("bootstrap"), start("opensnoop"));
        long daemon = Lifecycle.daemonPid(store);
        JsonNode ps = ps(store);
        assertEquals(3, ps.size(), ps.toString());
        for (String id : ids) assertEquals(daemon, run(ps, id).get("pid").asLong(), "run " + id + " is hosted by the one daemon");
        assertEquals(Set.copyOf(ids), Lifecycle.hosted(store));
        Set<String> objects = new HashSet<>();
        for (String id : ids) objects.addAll(objectsOf(id));
        Set<String> links = new HashSet<>(objects);
        links.removeIf(o -> !o.startsWith("link:"));
        assertEquals(6 + 2 + 2, links.size(), "every attachment is a pinned link: " + objects);

        kill9(daemon);
        assertTrue(Lifecycle.kernelObjects().containsAll(objects), "bpftool still lists every program, map and link of the three runs");
        JsonNode waiting = ps(store);
        assertEquals(3, waiting.size(), "still running, without a host: " + waiting);
        for (JsonNode r : waiting) {
            assertEquals("running", r.get("state").asText());
            assertFalse(r.get("hosted").asBoolean(), r.toString());
        }
        CliProcess.Result text = ebpm("ps", "--store", store.toString());
        assertTrue(text.stdout().contains("running (no daemon)"), text.stdout());
        assertTrue(text.stderr().contains("3 runs wait for the daemon"), text.stderr());

        long next = startDaemon();
        assertNotEquals(daemon, next);
        assertEquals(Set.copyOf(ids), Lifecycle.hosted(store), "the new daemon adopted all three");
        for (String id : ids) {
            JsonNode r = run(ps(store), id);
            assertEquals(next, r.get("pid").asLong());
            assertTrue(r.get("hosted").asBoolean());
        }
        assertEquals(objects, union(ids), "the same programs, maps and links: nothing was loaded again");
        JsonNode programs = Lifecycle.JSON.readTree(ebpm("ps", "--programs", "--json", "--store", store.toString()).stdout());
        int held = 0;
        for (JsonNode p : programs) {
            String run = p.get("run").textValue();
            if (run == null || !ids.contains(run)) continue;
            for (JsonNode h : p.get("held_by")) if (h.get("pid").asLong() == next) held++;
        }
        assertEquals(6 + 2 + 2, held, "ps --programs: each program of the runs held by the new daemon (its links from the pins): " + programs);
        assertTrue(signalReachesLog(ids.get(0)), "a signal sent after the adoption shows up in ebpm logs (ring buffer)");
        Path opened = work.resolve("opened-after-adoption-" + ProcessHandle.current().pid());
        boolean seen = false;
        for (int i = 0; i < 50 && !seen; i++) {
            Files.writeString(opened, "x");
            Files.readString(opened);
            Thread.sleep(150);
            seen = ebpm("logs", "--store", store.toString(), ids.get(2)).stdout().contains(opened.getFileName().toString());
        }
        assertTrue(seen, "a file opened after the adoption shows up in opensnoop's log (perf buffer)");

        // stop --all: no program, link or pin of ours is left
        CliProcess.Result stop = ebpm("stop", "--all", "--store", store.toString());
        assertEquals(0, stop.exitCode(), stop.stderr());
        assertEquals(Set.copyOf(ids), Set.of(stop.stdout().split("\n")));
        assertEquals(Set.of(), Lifecycle.stillLoaded(objects), "programs, maps or links of ours still loaded");
        for (String id : ids) assertFalse(Files.exists(RunDirectory.BPFFS.resolve(id)), "pins of " + id + " removed");
        for (JsonNode r : ps(store, "-a")) assertEquals("TERM", r.get("signal").asText(), r.toString());
    }

    private static Set<String> union(List<String> ids) throws Exception {
        Set<String> all = new HashSet<>();
        for (String id : ids) all.addAll(objectsOf(id));
        return all;
    }

    @Test
    void aRunMarkedToRestartComesBackAfterAReboot() throws Exception {
        String always = start("--restart", "always", "sigsnoop");
        String once = start("bootstrap");
        assertEquals("always", run(ps(store), always).get("restart").asText());
        Set<String> before = objectsOf(always);
        Set<String> onceObjects = objectsOf(once);

        // a reboot: every process gone, bpffs empty (ours only: other sessions' pins are not ours to remove)
        kill9(Lifecycle.daemonPid(store));
        for (String id : List.of(always, once)) {
            try (var s = Files.walk(RunDirectory.BPFFS.resolve(id))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        assertEquals(Set.of(), Lifecycle.stillLoaded(before), "the reboot took the programs");
        assertEquals(Set.of(), Lifecycle.stillLoaded(onceObjects));

        startDaemon();
        JsonNode back = run(ps(store, "-a"), always);
        assertEquals("running", back.get("state").asText(), back.toString());
        assertEquals(1, back.get("restarts").asInt());
        assertTrue(back.get("hosted").asBoolean());
        Set<String> after = objectsOf(always);
        assertEquals(6, after.stream().filter(o -> o.startsWith("link:")).count(), "attached and pinned again: " + after);
        assertTrue(java.util.Collections.disjoint(before, after), "loaded anew from its copy");
        assertTrue(signalReachesLog(always), "events flow in the restarted run");
        JsonNode dead = run(ps(store, "-a"), once);
        assertEquals("killed", dead.get("state").asText(), "a run without --restart stays dead: " + dead);
    }

    @Test
    void aRestartRefusesACopyThatChanged() throws Exception {
        String id = start("--restart", "on-failure", "sigsnoop");
        kill9(Lifecycle.daemonPid(store));
        try (var s = Files.walk(RunDirectory.BPFFS.resolve(id))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Path object = store.resolve("runs").resolve(id).resolve("package/sigsnoop.bpf.o");
        byte[] b = Files.readAllBytes(object);
        b[b.length - 1] ^= 1;
        Files.write(object, b);
        startDaemon();
        JsonNode r = run(ps(store, "-a"), id);
        assertEquals("failed", r.get("state").asText(), r.toString());
        assertTrue(r.get("error").asText().contains("its package copy sigsnoop.bpf.o changed since the run was started"), r.toString());
    }

    @Test
    void theSocketAdmitsRootAndItsGroupOnly() throws Exception {
        // the store and its runs directory open to traversal: the socket's own mode and group decide
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(store.resolve("runs"));
        Files.setPosixFilePermissions(store.resolve("runs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        CliProcess d = CliProcess.start(Map.of(), "daemon", "--store", store.toString(), "--group", "4242");
        started.add(d.process());
        d.awaitStderr("serves", Duration.ofSeconds(60));
        Path socket = store.resolve("runs/daemon.sock");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals(4242, Files.getAttribute(socket, "unix:gid"));

        String classpath = Lifecycle.readableClasspath(work);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        // nobody, in no group: the kernel refuses the connection; the CLI says so in one line
        String raw = "import socket; s = socket.socket(socket.AF_UNIX); s.connect('" + socket + "'); print('connected')";
        Result refused = asNobody(List.of("--clear-groups"), List.of("/usr/bin/python3", "-c", raw));
        assertTrue(refused.out.contains("PermissionError"), refused.out);
        Result cli = asNobody(List.of("--clear-groups"), javaCommand(classpath, "daemon", "status", "--store", store.toString()));
        assertEquals(1, cli.code, cli.out);
        assertTrue(cli.out.contains("ebpm: error: cannot use the ebpm daemon's socket " + socket + ": permission denied"), cli.out);
        Result stop = asNobody(List.of("--clear-groups"), javaCommand(classpath, "daemon", "stop", "--store", store.toString()));
        assertEquals(1, stop.code, stop.out);
        assertTrue(d.process().isAlive(), "the daemon was left alone");

        // a member of the socket's group gets in, and is told the daemon's state
        Result member = asNobody(List.of("--groups=4242"), javaCommand(classpath, "daemon", "status", "--store", store.toString()));
        assertEquals(0, member.code, member.out);
        assertTrue(member.out.contains("pid " + d.pid()), member.out);
        assertTrue(member.out.contains("and group 4242"), member.out);
    }

    private record Result(int code, String out) {}

    private static List<String> javaCommand(String classpath, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath, Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result asNobody(List<String> groups, List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534"));
        cmd.addAll(groups);
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void psAllListsAProgramLoadedByASeparateCLoader() throws Exception {
        String ours = start("sigsnoop");
        Path loader = work.resolve("loader");
        Process cc = new ProcessBuilder("clang", "-O2", "-o", loader.toString(), CliProcess.repoRoot().resolve("bench/lifecycle/loader.c").toString(), "-lbpf")
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        // builds are reproducible: ebpm build examples/sigsnoop -o DIR makes the object run -d sigsnoop loaded
        Path object = dev.ebpm.cli.Examples.built("sigsnoop").resolve("sigsnoop.bpf.o");
        assertTrue(Files.isRegularFile(object), "ebpm build made the example's object");
        Process c = new ProcessBuilder(loader.toString(), object.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(c);
        String attached = new java.io.BufferedReader(new java.io.InputStreamReader(c.getErrorStream())).readLine();
        assertEquals("attached 6 programs", attached);

        JsonNode programs = Lifecycle.JSON.readTree(ebpm("ps", "--programs", "--json", "--store", store.toString()).stdout());
        int fromLoader = 0, fromRun = 0;
        for (JsonNode p : programs) {
            boolean heldByLoader = false;
            for (JsonNode h : p.get("held_by")) heldByLoader |= h.get("pid").asLong() == c.pid() && h.get("command").asText().equals("loader");
            if (heldByLoader) {
                fromLoader++;
                assertTrue(p.get("run").isNull(), "not ebpm's: " + p);
                assertEquals("tracepoint", p.get("type").asText());
                assertTrue(p.get("attach_points").get(0).asText().startsWith("tracepoint sys_"), p.toString());
                assertEquals(16, p.get("tag").asText().length());
            }
            if (ours.equals(p.get("run").textValue())) {
                fromRun++;
                assertEquals("sigsnoop", p.get("package").asText());
            }
        }
        assertEquals(6, fromLoader, "the C loader's six programs: " + programs);
        assertEquals(6, fromRun, "ebpm's run's six programs, marked with its id: " + programs);

        CliProcess.Result text = ebpm("ps", "--all", "--store", store.toString());
        assertTrue(text.stdout().contains("BPF programs in the kernel"), text.stdout());
        assertTrue(text.stdout().contains("loader(" + c.pid() + ")"), text.stdout());
        assertTrue(text.stdout().contains(ours + " sigsnoop running"), text.stdout());
    }

    @Test
    void uninstallingThePackageOfARunSaysTheRunGoesOn() throws Exception {
        CliProcess.Result install = ebpm("install", "--store", store.toString(), "sigsnoop");
        assertEquals(0, install.exitCode(), install.stderr());
        String id = start("sigsnoop");
        CliProcess.Result un = ebpm("uninstall", "--store", store.toString(), "sigsnoop");
        assertEquals(0, un.exitCode(), un.stderr());
        assertTrue(un.stderr().contains("run " + id + " of sigsnoop@1.0.0 keeps running from its own copy of the package"), un.stderr());
        assertEquals("running", run(ps(store), id).get("state").asText());
        assertNotNull(run(ps(store), id).get("pins").textValue());
    }

    /** The API beside the CLI: runs listed and read one by one, a log followed until its run stops, counters, refusals. */
    @Test
    void theApiListsFollowsAndCounts() throws Exception {
        String id = start("sigsnoop");
        var client = new dev.ebpm.core.runs.DaemonClient(store.resolve("runs/daemon.sock"));
        Duration t = Duration.ofSeconds(30);
        JsonNode runs = client.get("/v1/runs", t).orThrow().json();
        assertEquals(1, runs.size());
        assertEquals(id, runs.get(0).get("id").asText());
        assertEquals("sigsnoop", client.get("/v1/runs/" + id, t).orThrow().json().get("package").asText());
        var missing = client.get("/v1/runs/0123456789ab", t);
        assertEquals(422, missing.status());
        assertEquals("no run with id 0123456789ab (see ebpm ps -a)", missing.json().get("error").asText());
        assertEquals(404, client.get("/v1/nothing", t).status());
        // a start request is checked before anything is written: no path out of the run's directory, no stray bytes
        var spec = new dev.ebpm.core.runs.RunSpec("evil", "-", "wasm", List.of(), List.of(), Map.of(), null, null, null, null, false, false, "no", null, null, null);
        var escape = client.post("/v1/runs", Map.of("spec", spec, "files", Map.of("../evil.wasm", new byte[] {0, 'a', 's', 'm'})), t);
        assertEquals(422, escape.status());
        assertEquals("a run's package file may not be called '../evil.wasm'", escape.json().get("error").asText());
        var garbage = client.request("POST", "/v1/runs", "{\"spec\": [".getBytes(StandardCharsets.UTF_8), t);
        assertEquals(400, garbage.status());
        assertTrue(garbage.json().get("error").asText().startsWith("a start request is {\"spec\": {...}, \"files\": {...}}"), garbage.json().toString());
        assertEquals(1, client.get("/v1/runs?all=true", t).orThrow().json().size(), "nothing was recorded for them");

        // follow the log while a signal is sent, then stop the run: the stream ends
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.stream("/v1/runs/" + id + "/logs?follow=true"), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) lines.add(l);
                lines.add("<end>");
            } catch (Exception e) {
                lines.add("<failed: " + e + ">");
            }
        });
        reader.start();
        String event = null;
        for (int i = 0; i < 50 && event == null; i++) {
            long shell = LifecycleTest.signalFromChild("USR1");
            for (String l = lines.poll(200, TimeUnit.MILLISECONDS); l != null; l = lines.poll(50, TimeUnit.MILLISECONDS)) {
                if (l.contains("\"pid\":" + shell + ",")) event = l;
            }
        }
        assertNotNull(event, "a followed log streams new events");
        JsonNode metrics = client.get("/v1/metrics", t).orThrow().json();
        assertEquals(id, metrics.get("runs").get(0).get("id").asText());
        assertTrue(metrics.get("runs").get(0).get("events").asLong() >= 1, metrics.toString());
        assertEquals(0, ebpm("stop", "--store", store.toString(), id).exitCode());
        reader.join(30_000);
        assertFalse(reader.isAlive(), "the followed log ended with its run");
        assertEquals("<end>", new ArrayList<>(lines).get(lines.size() - 1));
    }
}
