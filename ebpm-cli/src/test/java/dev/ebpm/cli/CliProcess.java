package dev.ebpm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ebpm} as a real child process (a JVM on the test classpath), so tests see what a user
 * sees: stdout lines, the stderr message and the exit code, and can send it signals.
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stdoutSeen = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final LinkedBlockingQueue<String> stderrLines = new LinkedBlockingQueue<>();

    private CliProcess(Process p) {
        this.process = p;
        pump(p.getInputStream(), stdout, null);
        pump(p.getErrorStream(), stderrLines, stderr);
    }

    public static Path repoRoot() {
        String root = System.getProperty("ebpm.repo.root");
        Path p = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
        return p.toAbsolutePath().normalize();
    }

    /**
     * What the launcher passes (the bundled examples, the repository), plus the test JVM's configuration and cache
     * directories (target/, set by the pom), so a test's ebpm uses the same examples key and builds as the tests' own.
     */
    public static List<String> properties() {
        List<String> out = new ArrayList<>(List.of("-Debpm.examples=" + repoRoot().resolve("examples"), "-Debpm.repo=" + repoRoot()));
        for (String p : List.of("ebpm.config.dir", "ebpm.cache.dir")) {
            if (System.getProperty(p) != null) out.add("-D" + p + "=" + System.getProperty(p));
        }
        return out;
    }

    public static CliProcess start(Map<String, String> env, String... args) throws IOException {
        return start(env, null, args);
    }

    /** Starts ebpm with {@code stdin} (a file, or nothing if null) as its standard input. */
    public static CliProcess start(Map<String, String> env, Path stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(properties());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        return new CliProcess(pb.start());
    }

    public static CliProcess start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** Runs to completion; returns the exit code. */
    public static Result run(Map<String, String> env, Duration timeout, String... args) throws Exception {
        return runWithInput(env, timeout, null, args);
    }

    /** Runs to completion with {@code stdin} as its standard input. */
    public static Result runWithInput(Map<String, String> env, Duration timeout, Path stdin, String... args) throws Exception {
        try (CliProcess p = start(env, stdin, args)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("ebpm " + String.join(" ", args) + " did not finish in " + timeout + "; stderr: " + p.stderr);
            }
            Thread.sleep(50); // let the pumps finish
            List<String> out = new ArrayList<>();
            p.stdout.drainTo(out);
            return new Result(p.process.exitValue(), String.join("\n", out), p.stderr.toString());
        }
    }

    public static Result run(String... args) throws Exception {
        return run(Map.of(), Duration.ofSeconds(120), args);
    }

    /** A finished command. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /** Waits for a stdout line matching {@code p}; fails with what was seen if none comes in time. */
    public String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = stdout.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                stdoutSeen.add(line);
                if (p.test(line)) return line;
            } else if (!process.isAlive() && stdout.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no matching line within " + timeout + "; stdout: " + stdoutSeen + "; stderr: " + stderr);
    }

    /** Waits for a stderr line containing {@code text}. */
    public void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = stderrLines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) return;
            if (line == null && !process.isAlive()) break;
        }
        throw new AssertionError("stderr never said '" + text + "'; stderr: " + stderr);
    }

    public List<String> stdoutSeen() {
        return stdoutSeen;
    }

    public String stderr() {
        return stderr.toString();
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGINT, as Ctrl-C does, and waits for the exit code. */
    public int interrupt(Duration timeout) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ebpm did not exit within " + timeout + " of SIGINT");
        }
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pump(java.io.InputStream in, LinkedBlockingQueue<String> q, StringBuffer all) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                    if (all != null) all.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
