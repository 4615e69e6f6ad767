package dev.ebpm.cli.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.Main;
import dev.ebpm.cli.UserError;
import dev.ebpm.cli.run.PackageLocator;
import dev.ebpm.cli.run.RunCommand;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ebpm run -d}: records the run, starts its runner as a separate JVM in a new session (setsid, stdin from
 * /dev/null, output to the run's runner.log), waits until the runner has attached (or failed) and prints the id.
 */
public final class DetachedStart {
    /** JVM flags for the runner unless EBPM_RUNNER_JAVA_OPTS says otherwise; see docs/lifecycle.md for the figures. */
    static final List<String> RUNNER_JVM_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-XX:CICompilerCount=1", "-Xmx64m");
    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ORIGIN_VERSION = Pattern.compile("^\\S+@(\\S+) ");

    private DetachedStart() {
    }

    public static int start(RunCommand cmd, RunCommand.Prepared prepared, Path storeRoot) {
        if (!dev.ebpm.loader.KernelSupport.hasBpfPrivileges()) {
            throw new UserError("running BPF programs needs root (or CAP_BPF and CAP_PERFMON): try sudo ebpm run -d " + cmd.packageArgument());
        }
        PackageLocator.Located located = prepared.located();
        String id = RunId.random();
        RunDirectory dir = RunDirectory.create(storeRoot, id);
        Path pinned = dir.pin(located); // the runner loads these verified bytes, not the name again
        try (LocalStore store = LocalStore.open(storeRoot)) {
            store.runs().insert(RunRecord.starting(id, located.name(), version(located), located.isWasm() ? "wasm" : "bpf",
                    cmd.detachedWords(pinned.toString()), Reconciler.currentUid(), dir.events().toString()));
            Process runner;
            try {
                runner = new ProcessBuilder(command(storeRoot, id))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.runnerLog().toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(dir.runnerLog().toFile()))
                        .start();
            } catch (IOException e) {
                store.runs().finish(id, RunState.FAILED, null, null, "cannot start the runner: " + e.getMessage());
                throw new UserError("cannot start the runner process: " + e.getMessage());
            }
            store.runs().setPid(id, runner.pid(), Reconciler.processStart(runner.pid()).orElse(null));
            return awaitAttached(store, runner, id, dir);
        }
    }

    private static int awaitAttached(LocalStore store, Process runner, String id, RunDirectory dir) {
        long deadline = System.nanoTime() + ATTACH_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ended = !runner.isAlive();
            RunRecord r = store.runs().find(id).orElseThrow();
            switch (r.state()) {
                case RUNNING, EXITED -> {
                    System.out.println(id);
                    return 0;
                }
                case FAILED -> throw new UserError(r.error() == null ? "the run failed; see " + dir.runnerLog() : r.error());
                case KILLED -> throw new UserError("the runner was killed before it attached; see " + dir.runnerLog());
                default -> {
                    // still starting
                }
            }
            if (ended) {
                store.runs().finish(id, RunState.KILLED, runner.exitValue(), null, null);
                throw new UserError("the runner exited with status " + runner.exitValue() + " before it attached: " + lastLine(dir.runnerLog()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        System.out.println(id);
        System.err.println("ebpm: run " + id + " is still starting after " + ATTACH_TIMEOUT.toSeconds() + " s; see ebpm ps and " + dir.runnerLog());
        return 0;
    }

    /** setsid JAVA [flags] -cp CLASSPATH dev.ebpm.cli.Main runner --store ROOT ID */
    static List<String> command(Path storeRoot, String id) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid");
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // ebpm's own settings (ebpm.examples, ebpm.repo); not the CLI's other JVM flags (agents, debuggers, heap)
        for (String k : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (k.startsWith("ebpm.")) cmd.add("-D" + k + "=" + System.getProperty(k));
        }
        String opts = System.getenv("EBPM_RUNNER_JAVA_OPTS");
        if (opts != null) {
            for (String o : opts.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
        } else {
            cmd.addAll(RUNNER_JVM_FLAGS);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add(RunnerCommand.NAME);
        cmd.add("--store");
        cmd.add(storeRoot.toString());
        cmd.add(id);
        return cmd;
    }

    /** The version in the origin (installed or fetched: "name@version ..."), else the version in an ebpm.json beside the package, else "-". */
    static String version(PackageLocator.Located located) {
        Matcher m = ORIGIN_VERSION.matcher(located.origin());
        if (m.find()) return m.group(1);
        Path origin = Path.of(located.origin()).toAbsolutePath();
        Path manifest = (Files.isDirectory(origin) ? origin : origin.getParent()).resolve("ebpm.json");
        try {
            if (Files.isRegularFile(manifest)) {
                JsonNode v = new ObjectMapper().readTree(manifest.toFile()).get("version");
                if (v != null && v.isTextual()) return v.asText();
            }
        } catch (IOException e) {
            // no version to show
        }
        return "-";
    }

    static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) return l.replaceFirst("^ebpm: error: ", "");
            }
            return "(no output; see " + file + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
