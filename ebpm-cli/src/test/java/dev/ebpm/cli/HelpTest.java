package dev.ebpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand explains itself with --help, and ebpm --version answers. */
class HelpTest {
    private static void collect(CommandLine cl, List<List<String>> out, List<String> path) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().usageMessage().hidden()) continue;
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), out, p);
        }
    }

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(), commands, List.of());
        assertTrue(commands.size() > 20, "commands found: " + commands);
        List<List<String>> checked = new ArrayList<>();
        for (List<String> c : commands) {
            CommandLine cl = Main.commandLine();
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            int code = cl.execute(args.toArray(String[]::new));
            String text = out.toString();
            if (c.equals(List.of("run"))) continue; // run's own --help prints through System.out: checked below
            assertEquals(0, code, "ebpm " + String.join(" ", args));
            assertTrue(text.startsWith("Usage: ebpm " + String.join(" ", c)), "ebpm " + String.join(" ", args) + ":\n" + text);
            String afterUsage = text.substring(text.indexOf('\n') + 1);
            assertTrue(afterUsage.lines().anyMatch(l -> !l.isBlank() && !l.startsWith(" ")), "a description under the usage line of " + c + ":\n" + text);
            checked.add(c);
        }
        assertEquals(commands.size() - 1, checked.size(), "every command but run checked here");
    }

    @Test
    void versionAndRunHelp() throws Exception {
        CliProcess.Result v = CliProcess.run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.stdout().startsWith("ebpm 0.1.0"), v.stdout());
        CliProcess.Result r = CliProcess.run("run", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().startsWith("Usage: ebpm run"), r.stdout());
    }
}
