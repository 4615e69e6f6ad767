package dev.ebpm.cli.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import dev.ebpm.pkg.trust.PublicKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job in fresh clones of this repository, through the real launcher: {@code ./ebpm install sigsnoop}
 * and {@code ./ebpm run sigsnoop --duration 1} leave {@code git status --porcelain} empty, and a second checkout's
 * launcher runs what the first installed (the same user: the same store and configuration), verified. The clones are
 * of HEAD: this tests what is committed.
 */
class FreshCloneTest {
    private static final List<String> SIGSNOOP_PROGS = List.of("kill_entry", "kill_exit", "tkill_entry", "tkill_exit", "tgkill_entry", "tgkill_exit");

    @TempDir
    static Path tmp;
    static Path first;
    static Map<String, String> user;

    record Result(int exitCode, String stdout, String stderr) {}

    static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    static Path cloneOfHead(String name) throws Exception {
        Path dir = tmp.resolve(name);
        String head = git(CliProcess.repoRoot(), "rev-parse", "HEAD").strip();
        git(tmp, "clone", "-q", "--no-checkout", CliProcess.repoRoot().toString(), dir.toString());
        git(dir, "checkout", "-q", "--detach", head);
        return dir;
    }

    /** {@code ./ebpm ARGS} in the clone, as a user types it (no -D options, this test JVM's class path unused). */
    static Result launcher(Path clone, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(clone.resolve("ebpm").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(clone.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MAVEN_") || k.startsWith("EBPM_"));
        pb.environment().putAll(user);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./ebpm " + String.join(" ", args) + " did not finish in 10 minutes: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static void assertClean(Path clone) throws Exception {
        assertEquals("", git(clone, "status", "--porcelain"), "git status --porcelain in " + clone);
        // nothing ignored either, but what the launcher's Maven build makes: the examples directory was never written
        for (String line : git(clone, "status", "--porcelain", "--ignored").lines().toList()) {
            assertTrue(line.matches("!! [a-z-]+/target/"), "only build output may be ignored, found: " + line);
        }
    }

    @BeforeAll
    static void cloneAndInstall() throws Exception {
        // one user: their store, configuration and cache, whichever checkout they run ebpm from
        user = new HashMap<>(Map.of("EBPM_HOME", tmp.resolve("store").toString(), "EBPM_CONFIG_DIR", tmp.resolve("config").toString(),
                "EBPM_CACHE_DIR", tmp.resolve("cache").toString()));
        first = cloneOfHead("first");
        Result r = launcher(first, "install", "sigsnoop"); // the launcher builds the CLI with Maven first
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("installed sigsnoop@1.0.0"), r.stdout());
    }

    @Test
    void theReadmesMainJobLeavesTheCloneClean() throws Exception {
        KernelState.Snapshot kernel = new KernelState.Snapshot(SIGSNOOP_PROGS);
        Result r = launcher(first, "run", "sigsnoop", "--duration", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("sigsnoop running (6 programs attached)"), r.stderr());
        kernel.assertNoneLeft();
        assertClean(first);
    }

    @Test
    void anotherCheckoutRunsWhatTheFirstInstalledVerified() throws Exception {
        Path second = cloneOfHead("second");
        // the same commit's CLI: the launcher takes the jar as built (a second Maven build would prove nothing more)
        Files.createDirectories(second.resolve("ebpm-cli/target"));
        Files.copy(first.resolve("ebpm-cli/target/ebpm.jar"), second.resolve("ebpm-cli/target/ebpm.jar"), StandardCopyOption.REPLACE_EXISTING);
        KernelState.Snapshot kernel = new KernelState.Snapshot(SIGSNOOP_PROGS);
        Result r = launcher(second, "run", "sigsnoop", "--duration", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("sigsnoop running (6 programs attached)"), r.stderr());
        assertFalse(r.stderr().contains("warning"), r.stderr());
        assertFalse(r.stderr().contains("building"), "an installed package runs as installed: " + r.stderr());
        kernel.assertNoneLeft();
        // it was installed signed by the configuration's examples key, which every checkout trusts
        String fingerprint = PublicKey.parse(Files.readString(tmp.resolve("config/examples-hub.pub")).strip()).fingerprint().display();
        Result info = launcher(second, "info", "sigsnoop");
        assertTrue(info.stdout().contains("  signature:   verified: key " + fingerprint + ", hub examples\n"), info.stdout());
        assertClean(second);
        assertClean(first);
    }
}
