package dev.ebpm.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.KernelState;
import dev.ebpm.cli.Main;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root never trusts what another user can change (issue 13): an ordinary user (nobody, through setpriv) installs
 * sigsnoop into its own store; root pointed at that store (EBPM_HOME, as sudo -E passes it) refuses it, and the README's
 * flow, install as the user then run as root, runs the example root fetches and verifies itself.
 */
class RootStoreTest {
    static final int NOBODY = 65534;

    @TempDir Path tmp;
    Path home;
    Path userStore;

    @BeforeAll
    static void buildSigsnoop() throws Exception {
        CliProcess.Result r = CliProcess.run("run", "sigsnoop", "--help"); // builds and signs the example if needed
        assertEquals(0, r.exitCode(), r.stderr());
    }

    @BeforeEach
    void userHome() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = Files.createDirectories(tmp.resolve("home"));
        Files.setAttribute(home, "unix:uid", NOBODY);
        Files.setAttribute(home, "unix:gid", NOBODY);
        userStore = home.resolve(".local/share/ebpm");
    }

    /** ebpm as nobody, with HOME set as a login would, on a copy of the test classpath nobody can read. */
    CliProcess.Result asUser(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", readableClasspath(),
                "-Duser.home=" + home, // Java takes it from the password file, where nobody's is /nonexistent
                "-Debpm.examples=" + CliProcess.repoRoot().resolve("examples"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("EBPM_HOME");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new CliProcess.Result(p.exitValue(), out, err);
    }

    static CliProcess.Result asRoot(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(env, Duration.ofSeconds(120), args);
    }

    @Test
    void rootRefusesAUsersStoreAndTheReadmeFlowRunsSafely() throws Exception {
        CliProcess.Result installed = asUser("install", "sigsnoop");
        assertEquals(0, installed.exitCode(), installed.stderr());
        assertTrue(installed.stdout().startsWith("installed sigsnoop@1.0.0"), installed.stdout());
        assertEquals(NOBODY, Files.getAttribute(userStore.resolve("store.db"), "unix:uid"));
        FileTime before = Files.getLastModifiedTime(userStore.resolve("store.db"));

        // sudo -E: EBPM_HOME names the user's store, which the user could have given any trusted key
        String refusal = "ebpm: error: refusing the store " + userStore + " as root: it is owned by uid 65534 (nobody), who could change it;"
                + " use root's own store (no EBPM_HOME, no --store: /var/lib/ebpm; sudo ebpm install NAME puts a package there)";
        KernelState.Snapshot kernel = new KernelState.Snapshot(List.of("kill_entry", "kill_exit"));
        for (List<String> command : List.of(List.of("run", "sigsnoop", "--duration", "1"), List.of("list"), List.of("install", "sigsnoop"),
                List.of("key", "list"))) {
            CliProcess.Result r = asRoot(Map.of("EBPM_HOME", userStore.toString()), command.toArray(String[]::new));
            assertEquals(1, r.exitCode(), command + ": " + r.stderr());
            assertEquals(refusal + "\n", r.stderr(), String.join(" ", command));
        }
        kernel.assertNoneLeft();

        // the README's flow: `sudo ./ebpm run sigsnoop` (sudo -E may keep HOME and XDG_DATA_HOME): root does not look in
        // the user's store; it fetches the example from the embedded hub, verified with the installation's keys
        Map<String, String> sudoEnvironment = new HashMap<>(Map.of("HOME", home.toString(), "XDG_DATA_HOME", home.resolve(".local/share").toString()));
        CliProcess.Result run = asRoot(sudoEnvironment, "run", "sigsnoop", "--duration", "1");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("ebpm: sigsnoop running (6 programs attached)"), run.stderr());
        assertEquals(before, Files.getLastModifiedTime(userStore.resolve("store.db")), "root left the user's store alone");
        kernel.assertNoneLeft();
    }

    @Test
    void rootRefusesAStoreOthersCanWriteTo() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared-store"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        CliProcess.Result r = asRoot(Map.of(), "gc", "--store", shared.toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("ebpm: error: refusing the store " + shared + " as root: it is writable by group and others (mode 0777);"
                + " use root's own store (no EBPM_HOME, no --store: /var/lib/ebpm; sudo ebpm install NAME puts a package there)\n", r.stderr());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, asRoot(Map.of(), "gc", "--store", shared.toString()).exitCode(), "made root's alone, it is used");
    }

    /** The test classpath with every entry under a private directory (~/.m2) copied where nobody can read it. */
    private String readableClasspath() throws Exception {
        Path copies = Files.createDirectories(tmp.resolve("classpath"));
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.startsWith(System.getProperty("user.home")) && Files.isRegularFile(p)) {
                Path copy = copies.resolve((n++) + "-" + p.getFileName());
                if (!Files.exists(copy)) Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                out.add(copy.toString());
            } else {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }
}
