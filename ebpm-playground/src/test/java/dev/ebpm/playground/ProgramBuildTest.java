package dev.ebpm.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build with real clang: errors against the file and line they are in, the header's too; the same files once. */
class ProgramBuildTest {
    @Test
    void clangsErrorsNameTheirFileAndLine(@TempDir Path tmp) throws Exception {
        ProgramBuild builds = new ProgramBuild(tmp);
        String header = KillProgram.HEADER.replace("\tint sig;", "\tint sig");
        ProgramFiles broken = new ProgramFiles("hello", new TreeMap<>(Map.of("hello.bpf.c", KillProgram.SOURCE, "hello.h", header)));
        ProgramBuild.Outcome o = builds.build(broken);
        assertFalse(o.ok());
        assertNull(o.packageJson());
        assertEquals("clang failed to compile hello.bpf.c (exit 1)", o.message());
        Diagnostic first = o.diagnostics().get(0);
        assertEquals(List.of("hello.h", "7", "error"), List.of(first.file(), Integer.toString(first.line()), first.severity()), o.toolOutput());
        assertTrue(first.message().startsWith("expected ';'"), first.message());
        assertSame(o, builds.build(broken), "the same files are not compiled again");

        ProgramBuild.Outcome ok = builds.build(KillProgram.files());
        assertTrue(ok.ok(), ok.message() + "\n" + ok.toolOutput());
        assertTrue(ok.message().startsWith("built hello: 1 program, "), ok.message());
        assertEquals(List.of(), ok.diagnostics());
        assertTrue(new String(ok.packageJson(), java.nio.charset.StandardCharsets.UTF_8).contains("\"pg_kill\""));
    }

    @Test
    void onlyTheProgramsOwnFilesAreTaken() {
        for (String bad : List.of("../hello.h", "/etc/passwd.h", "hello.c", "other.bpf.c", ".h")) {
            PlaygroundException e = org.junit.jupiter.api.Assertions.assertThrows(PlaygroundException.class,
                    () -> new ProgramFiles("hello", new TreeMap<>(Map.of("hello.bpf.c", "", bad, ""))));
            assertTrue(e.getMessage().startsWith("file '" + bad + "': "), e.getMessage());
        }
    }
}
