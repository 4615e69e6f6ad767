package dev.ebpm.loader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.testsupport.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.WasmAppBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs WebAssembly guests against the real kernel: examples/sigsnoop-wasm (built as ebpm build
 * --wasm builds it, so the example's build is part of the test) and a test guest (guest.c) whose modes
 * break the host ABI one way each. After every run, no program of ours may stay loaded.
 */
class WasmRunnerTest {
    private static final Path WASI_STDIO = Path.of("/usr/include/wasm32-wasi/stdio.h");
    private static Path out;
    private static byte[] app;
    private static byte[] guest;

    @BeforeAll
    static void build() throws Exception {
        Assumptions.assumeTrue(KernelSupport.isRoot(), "loading BPF programs needs root");
        Tools.assumeKernelBtf();
        Tools.assumeTool("clang");
        Tools.assumeTool("bpftool");
        Assumptions.assumeTrue(Files.exists(WASI_STDIO), "wasi-libc not installed (" + WASI_STDIO + ")");
        Path example = Tools.repoRoot().resolve("examples/sigsnoop-wasm");
        out = Path.of("target/wasm-test").toAbsolutePath();
        Files.createDirectories(out);
        app = Files.readAllBytes(new WasmAppBuilder().build(BuildSources.of(example, java.util.Optional.empty()),
                BuildOptions.defaults().withOutputDir(out)).app());
        Path guestSource = Path.of("src/test/resources/wasm/guest.c").toAbsolutePath();
        exec(List.of("clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-I" + out,
                "-Wl,--export-table", "-o", out.resolve("guest.wasm").toString(), guestSource.toString()), Map.of());
        guest = Files.readAllBytes(out.resolve("guest.wasm"));
    }

    private static void exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed:\n" + log);
    }

    @AfterEach
    void nothingStaysLoaded() throws Exception {
        // another test run on this machine may run the same guest: its programs are held by its process, not ours
        List<String> left = dev.ebpm.loader.testsupport.LoadedPrograms.leftBy(java.util.Set.of("wsig_enter", "wsig_exit"));
        assertTrue(left.isEmpty(), "a program of the guest stayed loaded: " + left);
    }

    /** A guest running on its own thread, with its output captured. */
    static final class GuestRun implements AutoCloseable {
        final WasmRunner runner = new WasmRunner();
        final Text stdout = new Text();
        final Text stderr = new Text();
        final ByteArrayOutputStream notes = new ByteArrayOutputStream();
        final Thread thread;
        volatile Integer exit;
        volatile RuntimeException failure;

        GuestRun(byte[] wasm, String name, List<String> args, boolean compiled) {
            WasmOptions opts = WasmOptions.defaults().withCompiled(compiled).withStdout(stdout).withStderr(stderr)
                    .withNotes(new PrintStream(notes, true, StandardCharsets.UTF_8))
                    .withEnvironment(Map.of("EBPM_WASM_TEST", "yes"));
            thread = new Thread(() -> {
                try {
                    exit = runner.run(wasm, name, args, opts);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }, "wasm-guest");
            thread.start();
        }

        GuestRun awaitStderr(String text) throws InterruptedException {
            if (!stderr.await(s -> s.contains(text), 30_000)) {
                join(1);
                fail("guest did not print '" + text + "'; stderr: " + stderr + " notes: " + notes + " failure: " + failure);
            }
            return this;
        }

        /** Stops the guest if a failed assertion left it running, so its programs do not outlive the test. */
        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                runner.stop();
                thread.join(10_000);
            }
        }

        boolean join(long seconds) throws InterruptedException {
            thread.join(seconds * 1000);
            return !thread.isAlive();
        }

        int exitCode() throws InterruptedException {
            assertTrue(join(30), "guest did not end");
            if (failure != null) throw failure;
            assertNotNull(exit);
            return exit;
        }

        WasmException failure() throws InterruptedException {
            assertTrue(join(30), "guest did not end");
            assertTrue(failure instanceof WasmException, "expected a WasmException, got exit " + exit + " / " + failure
                    + "\nstdout: " + stdout + "\nstderr: " + stderr + "\nnotes: " + notes);
            return (WasmException) failure;
        }
    }

    /** A thread-safe text sink the test can wait on. */
    static final class Text extends OutputStream {
        private final StringBuilder sb = new StringBuilder();

        @Override
        public synchronized void write(int b) {
            sb.append((char) b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            sb.append(new String(b, off, len, StandardCharsets.UTF_8));
            notifyAll();
        }

        synchronized boolean await(Predicate<String> p, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (!p.test(sb.toString())) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return false;
                wait(left);
            }
            return true;
        }

        @Override
        public synchronized String toString() {
            return sb.toString();
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {false, true})
    void sigsnoopPrintsTheSignalsSent(boolean compiled) throws Exception {
        try (GuestRun run = new GuestRun(app, "sigsnoop/app.wasm", List.of(), compiled)) {
            run.awaitStderr("tracing kill(2)");
            // SIGUSR1 from kill(1) ends the first sleep; Process.destroy sends SIGTERM to the second from this JVM
            Process first = new ProcessBuilder("sleep", "30").start();
            Process second = new ProcessBuilder("sleep", "30").start();
            try {
                signal(first.pid(), "USR1");
                second.destroy();
                String usr1 = "tpid=" + first.pid() + " sig=10 ret=0 comm=kill";
                assertTrue(run.stdout.await(s -> s.contains(usr1), 10_000), "no '" + usr1 + "' in: " + run.stdout);
                String term = "pid=" + ProcessHandle.current().pid() + " tpid=" + second.pid() + " sig=15 ret=0";
                assertTrue(run.stdout.await(s -> s.contains(term), 10_000), "no '" + term + "' in: " + run.stdout);
            } finally {
                first.destroyForcibly();
                second.destroyForcibly();
            }
            run.runner.stop();
            assertEquals(WasmRunner.EXIT_STOPPED, run.exitCode());
            Matcher m = Pattern.compile("(?m)^pid=\\d+ tpid=-?\\d+ sig=\\d+ ret=-?\\d+ comm=\\S*$").matcher(run.stdout.toString());
            assertTrue(m.find(), run.stdout.toString());
        }
    }

    @Test
    void sigsnoopEndsAfterItsDuration() throws Exception {
        long t0 = System.nanoTime();
        GuestRun run = new GuestRun(app, "app.wasm", List.of("-d", "1"), false);
        assertEquals(0, run.exitCode());
        assertTrue((System.nanoTime() - t0) / 1e9 < 15);
        assertTrue(run.stderr.toString().contains("tracing kill(2)"), run.stderr.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"poll,event pid=", "go-poll,go event pid="})
    void everyRecordOfAPollReachesTheGuest(String mode, String prefix) throws Exception {
        try (GuestRun run = new GuestRun(guest, "guest.wasm", List.of(mode), false)) {
            run.awaitStderr("guest: attached");
            Process target = new ProcessBuilder("sleep", "30").start();
            try {
                // signal 0 twenty times in a row: several events wait in the ring for one poll
                for (int i = 0; i < 20; i++) signal(target.pid(), "0");
                Pattern event = Pattern.compile("(?m)^" + prefix + "\\d+ tpid=" + target.pid() + " sig=0 size=32$");
                assertTrue(run.stdout.await(s -> event.matcher(s).results().count() == 20, 10_000),
                        "expected 20 events in: " + run.stdout);
            } finally {
                target.destroyForcibly();
            }
            run.runner.stop();
            assertEquals(WasmRunner.EXIT_STOPPED, run.exitCode());
        }
    }

    @Test
    void argumentsEnvironmentAndExitStatus() throws Exception {
        GuestRun run = new GuestRun(guest, "/opt/guest.wasm", List.of("args", "one", "two"), false);
        assertEquals(4, run.exitCode()); // the guest returns argc
        assertTrue(run.stdout.toString().contains("argv[0]=/opt/guest.wasm\nargv[1]=args\nargv[2]=one\nargv[3]=two\nenv=yes\n"),
                run.stdout.toString());
    }

    @Test
    void mapOperationsUseTheKernelsCommandsAndErrnos() throws Exception {
        GuestRun run = new GuestRun(guest, "guest.wasm", List.of("maps"), true);
        assertEquals(0, run.exitCode());
        assertTrue(run.stdout.toString().contains(
                "update=0 lookup=0 value=1/2/3/4/wasm first=0 next=7 delete=0 missing=-2 badcmd=-22 nomap=-2"), run.stdout.toString());
    }

    @Test
    void exitWithoutClosingReleasesTheObject() throws Exception {
        GuestRun run = new GuestRun(guest, "guest.wasm", List.of("exit"), false);
        assertEquals(7, run.exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "oob-pointer     | wasm_load_bpf_object: object buffer at 0xfffff000 (65536 bytes) is outside the guest's memory",
        "bad-handle      | wasm_bpf_map_fd_by_name: 4242 is not a BPF object handle of this guest",
        "bad-fd          | wasm_bpf_map_operate: fd 9999 is not a map of a BPF object this guest loaded",
        "oob-value       | wasm_bpf_map_operate: value buffer at 0x",
        "wrong-signature | has type (i32) -> (), not (i32, i32, i32) -> i32",
        "bad-table-index | wasm_bpf_buffer_poll: sample_func 100000 is not an entry of the guest's function table",
    })
    void brokenGuestsEndWithOneLine(String mode, String message) throws Exception {
        WasmException e = new GuestRun(guest, "guest.wasm", List.of(mode), false).failure();
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "trap-callback     | callback \\(function table entry \\d+\\) trapped: Trapped on unreachable instruction",
        "close-in-callback | wasm_close_bpf_object: called from a poll callback; close the object after the poll returns",
    })
    void aMisbehavingCallbackEndsTheRun(String mode, String message) throws Exception {
        try (GuestRun run = new GuestRun(guest, "guest.wasm", List.of(mode), true)) {
            run.awaitStderr("guest: attached");
            Process target = new ProcessBuilder("sleep", "30").start();
            try {
                for (int i = 0; i < 20 && run.thread.isAlive(); i++) {
                    signal(target.pid(), "0");
                    run.join(1);
                }
            } finally {
                target.destroyForcibly();
            }
            WasmException e = run.failure();
            assertTrue(e.getMessage().matches(message), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sleep,false", "poll,false", "spin,false", "spin,true"})
    void stopInterruptsTheGuest(String mode, boolean compiled) throws Exception {
        try (GuestRun run = new GuestRun(guest, "guest.wasm", List.of(mode), compiled)) {
            run.awaitStderr("guest: attached");
            Thread.sleep(300);
            long t0 = System.nanoTime();
            run.runner.stop();
            assertTrue(run.join(5), "stop() did not end the guest");
            assertEquals(WasmRunner.EXIT_STOPPED, run.exitCode());
            assertTrue((System.nanoTime() - t0) / 1e6 < 2000, "stop took too long");
        }
    }

    @Test
    void importsDeclaredWithI64PointersAreAccepted() throws Exception {
        // wasm-bpf's Go SDK declares map_operate's pointers as int64
        Path src = out.resolve("i64-import.c");
        Files.writeString(src, "#include <stdint.h>\n"
                + "__attribute__((import_module(\"wasm_bpf\"), import_name(\"wasm_bpf_map_operate\")))\n"
                + "int op(int32_t fd, int32_t cmd, int64_t key, int64_t value, int64_t next, int64_t flags);\n"
                + "int main(void) { char k[4]; return op(77, 1, (int64_t)(uintptr_t)k, 0, 0, 0); }\n");
        Path wasm = out.resolve("i64-import.wasm");
        exec(List.of("clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", wasm.toString(), src.toString()), Map.of());
        WasmException e = org.junit.jupiter.api.Assertions.assertThrows(WasmException.class,
                () -> new WasmRunner().run(Files.readAllBytes(wasm), "i64.wasm", List.of(), WasmOptions.defaults().withCompiled(false)));
        assertEquals("wasm_bpf_map_operate: fd 77 is not a map of a BPF object this guest loaded", e.getMessage());
    }

    @Test
    void notAModule() {
        WasmException e = org.junit.jupiter.api.Assertions.assertThrows(WasmException.class,
                () -> new WasmRunner().run("not wasm".getBytes(), "x.wasm", List.of(), WasmOptions.defaults()));
        assertTrue(e.getMessage().startsWith("x.wasm is not a valid WebAssembly module"), e.getMessage());
    }

    @Test
    void unknownImportsAreNamed() throws Exception {
        Path src = out.resolve("unknown-import.c");
        Files.writeString(src, "__attribute__((import_module(\"env\"), import_name(\"mystery\"))) int mystery(void);\n"
                + "int main(void) { return mystery(); }\n");
        Path wasm = out.resolve("unknown-import.wasm");
        exec(List.of("clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", wasm.toString(), src.toString()), Map.of());
        WasmException e = org.junit.jupiter.api.Assertions.assertThrows(WasmException.class,
                () -> new WasmRunner().run(Files.readAllBytes(wasm), "u.wasm", List.of(), WasmOptions.defaults()));
        assertEquals("the guest imports env.mystery, which ebpm does not provide (it provides wasi_snapshot_preview1 and wasm_bpf)",
                e.getMessage());
    }
}
