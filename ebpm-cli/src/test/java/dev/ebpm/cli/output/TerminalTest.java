package dev.ebpm.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package text is shown, never obeyed: escape sequences in it reach the terminal as visible text. */
class TerminalTest {
    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertEquals("\\x1b]0;pwned\\x07 \\x1b[31mred\\x1b[0m", Terminal.escape("\u001b]0;pwned\u0007 \u001b[31mred\u001b[0m"));
        assertEquals("\\x9b2J back\\x08\\x7f \\u202egnp.exe", Terminal.escape("\u009b2J back\b\u007f \u202egnp.exe"));
        assertEquals("a\\x0dline", Terminal.escape("a\rline"));
        String plain = "lines\n\tand tabs stay, and so does Unicode: ∑ é 漢";
        assertSame(plain, Terminal.escape(plain), "nothing to escape: the same string");
    }

    @Test
    void runHelpShowsAPackagesEscapeSequencesWithoutSendingThem(@TempDir Path tmp) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dev.ebpm.cli.Examples.built("sigsnoop").resolve("package.json").toFile());
        ((ObjectNode) root.at("/meta/bpf_skel")).putObject("doc").put("brief", "Trace signals\u001b]0;owned terminal title\u0007\u001b[2J");
        ((ObjectNode) root.at("/meta/bpf_skel/data_sections/0/variables/0")).put("description", "pid \u009b31mfilter\u001b[0m \u202eevil");
        Path file = tmp.resolve("package.json");
        Files.write(file, json.writeValueAsBytes(root));

        CliProcess.Result help = InProcess.execute("run", file.toString(), "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertFalse(help.stdout().chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b || c == 0x202e), help.stdout());
        assertTrue(help.stdout().contains("Trace signals\\x1b]0;owned terminal title\\x07\\x1b[2J\n"), help.stdout());
        assertTrue(help.stdout().contains("pid \\x9b31mfilter\\x1b[0m \\u202eevil"), help.stdout());
    }
}
