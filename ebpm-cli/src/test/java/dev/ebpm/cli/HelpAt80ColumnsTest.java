package dev.ebpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The help of every command, rendered through picocli at 80 columns as a user's terminal shows it: each command's
 * summary in a command list is a whole sentence on one line, every option and parameter says what it is, and no line
 * runs past 80 columns (so an indented line never wraps back to column 0).
 */
class HelpAt80ColumnsTest {
    private static final int WIDTH = 80;

    /** The whole tree at 80 columns, every visible command with it. */
    private static List<CommandLine> commands() {
        CommandLine root = Main.commandLine();
        root.setUsageHelpAutoWidth(false);
        root.setUsageHelpWidth(WIDTH);
        List<CommandLine> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden() && !out.contains(sub)) collect(sub, out);
        }
    }

    private static String help(CommandLine cl) {
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void everySummaryIsOneWholeSentenceOnOneLine() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CommandLine cl : commands()) {
            String help = help(cl);
            for (var e : cl.getSubcommands().entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) continue;
                checked++;
                String[] description = sub.usageMessage().description();
                String summary = description.length == 0 ? "" : description[0];
                String where = sub.qualifiedName() + " in `" + cl.getCommandSpec().qualifiedName() + " --help`";
                if (!summary.endsWith(".")) problems.add(where + ": summary is not a whole sentence: \"" + summary + "\"");
                Pattern line = Pattern.compile("^ +" + Pattern.quote(sub.name()) + " {2,}" + Pattern.quote(summary) + "$", Pattern.MULTILINE);
                if (!line.matcher(help).find()) problems.add(where + ": summary does not fit on its line: \"" + summary + "\"");
            }
        }
        assertTrue(checked > 30, "subcommands checked: " + checked);
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : commands()) {
            CommandSpec spec = cl.getCommandSpec();
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                if (a.hidden()) continue;
                if (String.join("", a.description()).isBlank()) {
                    String name = a instanceof CommandLine.Model.OptionSpec o ? o.longestName() : a.paramLabel();
                    problems.add(spec.qualifiedName() + " " + name + " has no description");
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void noLineRunsPastEightyColumns() {
        List<String> problems = new ArrayList<>();
        int lines = 0;
        for (CommandLine cl : commands()) {
            for (String l : help(cl).split("\n")) {
                lines++;
                if (l.length() > WIDTH) problems.add(cl.getCommandSpec().qualifiedName() + " --help: " + l);
            }
            // an indented line (an example, a list) must fit as it is: picocli wraps an over-long one to column 0
            var usage = cl.getCommandSpec().usageMessage();
            List<String> indented = new ArrayList<>(List.of(usage.description()));
            indented.addAll(List.of(usage.footer()));
            for (String l : indented) {
                if (l.startsWith(" ") && l.length() > WIDTH) problems.add(cl.getCommandSpec().qualifiedName() + " --help wraps: " + l);
            }
        }
        assertTrue(lines > 500, "help lines rendered: " + lines);
        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
