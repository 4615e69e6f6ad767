package dev.ebpm.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.cli.Main;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download progress bar goes to stderr when stderr is a terminal, whatever stdout is: `ebpm install URL > log` on
 * a terminal (a pseudo-terminal from script(1) here) shows it; a piped stderr or -q shows none. The archive is served
 * slowly (about 1.6 s) from 127.0.0.1, since the bar appears only for downloads that take more than a second.
 */
class ProgressTest {
    @TempDir static Path tmp;
    static HttpServer server;
    static String url;

    @BeforeAll
    static void serveSlowly() throws Exception {
        CliProcess.Result packed = InProcess.execute("pack", CliProcess.repoRoot().resolve("examples/sigsnoop").toString(), "-o", tmp.toString());
        assertEquals(0, packed.exitCode(), packed.stderr());
        byte[] archive = Files.readAllBytes(tmp.resolve("sigsnoop-1.0.0.ebpm"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/sigsnoop-1.0.0.ebpm")) { // no signature beside it
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, archive.length);
            try (OutputStream out = ex.getResponseBody()) {
                int chunk = Math.max(1, archive.length / 20);
                for (int off = 0; off < archive.length; off += chunk) {
                    out.write(archive, off, Math.min(chunk, archive.length - off));
                    out.flush();
                    Thread.sleep(80);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/sigsnoop-1.0.0.ebpm";
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void theDecisionReadsWhatTheDescriptorIsOpenOn() throws Exception {
        // links shaped as /proc/self/fd entries are: the decision looks at their target only
        assertTrue(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("fd-pts"), Path.of("/dev/pts/3"))));
        assertTrue(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("fd-tty"), Path.of("/dev/tty1"))));
        assertFalse(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("fd-file"), tmp.resolve("log"))));
        assertFalse(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("fd-pipe"), Path.of("pipe:[12345]"))));
        assertFalse(Terminal.stderrIsTerminal(), "surefire pipes the test JVM's stderr");
    }

    @Test
    void shownOnATerminalStderrEvenWithStdoutInAFile() throws Exception {
        String typescript = underScript("tty-store", false);
        assertTrue(typescript.contains("sigsnoop-1.0.0.ebpm [") && typescript.contains("] 100%"), typescript);
        assertTrue(Files.readString(tmp.resolve("tty-store.out")).startsWith("installed sigsnoop@1.0.0"));
    }

    @Test
    void quietOnATerminalWithDashQ() throws Exception {
        String typescript = underScript("quiet-store", true);
        assertFalse(typescript.contains("%"), typescript);
        assertTrue(Files.readString(tmp.resolve("quiet-store.out")).startsWith("installed sigsnoop@1.0.0"));
    }

    @Test
    void quietWhenStderrIsAPipe() throws Exception {
        CliProcess.Result r = CliProcess.run("install", "--store", tmp.resolve("pipe-store").toString(), "--allow-unsigned", url);
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(r.stderr().contains("%"), r.stderr());
        assertTrue(r.stdout().startsWith("installed sigsnoop@1.0.0"), r.stdout());
    }

    /** What `ebpm install URL > STORE.out` writes to the terminal, run on a pseudo-terminal by script(1). */
    private static String underScript(String store, boolean quiet) throws Exception {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path")));
        java.addAll(CliProcess.properties());
        java.addAll(List.of(Main.class.getName(), "install", "--store", tmp.resolve(store).toString(), "--allow-unsigned"));
        if (quiet) java.add("-q");
        java.add(url);
        String command = String.join(" ", java.stream().map(ProgressTest::quote).toList()) + " > " + quote(tmp.resolve(store + ".out").toString());
        Process p = new ProcessBuilder("script", "-qefc", command, "/dev/null").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
