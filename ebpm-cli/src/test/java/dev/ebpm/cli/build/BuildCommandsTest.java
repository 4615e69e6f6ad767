package dev.ebpm.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BuildCommandsTest {
    record Run(int exit, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void initThenBuild(@TempDir Path tmp) throws Exception {
        Run init = run(new InitCommand(), "-C", tmp.toString(), "hello");
        assertEquals(0, init.exit(), init.err());
        Path dir = tmp.resolve("hello");
        assertTrue(Files.isRegularFile(dir.resolve("hello.bpf.c")));
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("ebpm.json").toFile());
        assertEquals("hello", manifest.get("name").asText());
        assertEquals("0.1.0", manifest.get("version").asText());
        assertEquals("package.json", manifest.get("entry").asText());
        assertTrue(manifest.at("/requires/ringbuf").asBoolean());

        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel BTF not available");
        Assumptions.assumeTrue(onPath("clang") && onPath("bpftool"), "clang and bpftool needed");
        Run build = run(new BuildCommand(), dir.toString());
        assertEquals(0, build.exit(), build.err());
        assertTrue(build.out().matches(java.util.regex.Pattern.quote(dir.resolve("package.json").toString()) + " \\(\\d+ bytes\\)\\n"), build.out());
        JsonNode pkg = new ObjectMapper().readTree(dir.resolve("package.json").toFile());
        assertEquals("event", pkg.at("/meta/export_types/0/name").asText());
        assertEquals("handle_exec", pkg.at("/meta/bpf_skel/progs/0/name").asText());
    }

    @Test
    void errorsAreOneLineAndExitOne(@TempDir Path tmp) throws Exception {
        Run r = run(new InitCommand(), "-C", tmp.toString(), "Bad Name");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ebpm: error: bad package name 'Bad Name'"), r.err());
        assertEquals(1, r.err().lines().count());

        r = run(new BuildCommand(), tmp.toString());
        assertEquals(1, r.exit());
        assertEquals("ebpm: error: no *.bpf.c source in " + tmp + "\n", r.err());

        Assumptions.assumeTrue(onPath("clang"), "clang needed");
        Files.writeString(tmp.resolve("vmlinux.h"), "");
        Files.writeString(tmp.resolve("bad.bpf.c"), "#include \"vmlinux.h\"\nint f(void) { return nope; }\n");
        r = run(new BuildCommand(), tmp.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ebpm: error: clang failed to compile bad.bpf.c (exit 1)\n"), r.err());
        assertTrue(r.err().contains("undeclared identifier 'nope'"), r.err());
    }

    @Test
    void eccsArgumentsSourceHeaderAndCflags(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(onPath("clang") && onPath("bpftool"), "clang and bpftool needed");
        Path src = dev.ebpm.cli.CliProcess.repoRoot().resolve("examples/sigsnoop");
        Files.copy(src.resolve("sigsnoop.bpf.c"), tmp.resolve("sigsnoop.bpf.c"));
        Files.copy(src.resolve("sigsnoop.h"), tmp.resolve("events.h"));
        Files.writeString(tmp.resolve("sigsnoop.bpf.c"), Files.readString(tmp.resolve("sigsnoop.bpf.c")).replace("\"sigsnoop.h\"", "\"events.h\"")
                + "#ifdef EBPM_TEST_A\nconst volatile int a_flag = EBPM_TEST_A + EBPM_TEST_B;\n#endif\n");
        Run build = run(new BuildCommand(), tmp.resolve("sigsnoop.bpf.c").toString(), tmp.resolve("events.h").toString(),
                "-o", tmp.resolve("out").toString(), "-a", "-DEBPM_TEST_A=1 -DEBPM_TEST_B=2");
        assertEquals(0, build.exit(), build.err());
        JsonNode pkg = new ObjectMapper().readTree(tmp.resolve("out/package.json").toFile());
        assertEquals("event", pkg.at("/meta/export_types/0/name").asText());
        JsonNode vars = pkg.at("/meta/bpf_skel/data_sections/0/variables");
        assertEquals("a_flag", vars.get(3).get("name").asText(), vars.toString());
        assertEquals(3, vars.get(3).get("value").asInt(), "both -D flags of one -a value reached clang");

        Run both = run(new BuildCommand(), "--header-only", tmp.resolve("events.h").toString(), tmp.resolve("events.h").toString());
        assertEquals(1, both.exit());
        assertEquals("ebpm: error: --header-only takes one header and builds no programs: drop " + tmp.resolve("events.h") + "\n", both.err());
    }

    private static boolean onPath(String tool) {
        for (String d : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
