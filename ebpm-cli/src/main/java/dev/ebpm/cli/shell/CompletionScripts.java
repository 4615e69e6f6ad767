package dev.ebpm.cli.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Shell completion for ebpm, written from the picocli model of the whole command tree: bash by picocli's own
 * {@link AutoComplete}, zsh and fish here (picocli has no generator for them; zsh's from picocli's bash script would
 * need bashcompinit, which vendor completion directories do not run). Installed package names and run ids are not in
 * the model: the scripts ask {@code ebpm __complete} for them when they complete a command's first parameter.
 */
final class CompletionScripts {
    /** What {@code ebpm __complete} lists. */
    enum Candidates { packages, runs }

    /** The commands whose first parameter is an installed package or a run. */
    static final Map<String, Candidates> FIRST_PARAMETER = Map.of(
            "run", Candidates.packages, "info", Candidates.packages, "uninstall", Candidates.packages,
            "export", Candidates.packages, "update", Candidates.packages,
            "logs", Candidates.runs, "stop", Candidates.runs);

    private CompletionScripts() {
    }

    static String bash(CommandLine root) {
        String script = AutoComplete.bash("ebpm", root);
        for (Map.Entry<String, Candidates> e : FIRST_PARAMETER.entrySet()) {
            // picocli's function for the command offers no positional values for a String parameter: ask ebpm
            Pattern function = Pattern.compile("(function _picocli_ebpm_" + e.getKey() + "\\(\\) \\{.*?\n)(    local positionals=\"\"\n)", Pattern.DOTALL);
            Matcher m = function.matcher(script);
            if (!m.find()) throw new IllegalStateException("picocli's bash script has no positionals for " + e.getKey());
            String ask = "    if (( $(currentPositionalIndex \"" + e.getKey() + "\" \"${arg_opts}\" \"${flag_opts}\") == 0 )); then\n"
                    + "      positionals=$(ebpm __complete " + e.getValue() + " 2>/dev/null)\n"
                    + "    fi\n";
            script = script.substring(0, m.end(2)) + ask + script.substring(m.end(2));
        }
        return script;
    }

    /** A command of the tree and its path ({@code hub add}). */
    private record Node(String path, CommandSpec spec) {
        String name() {
            return spec.name();
        }

        List<Node> children() {
            List<Node> out = new ArrayList<>();
            for (CommandLine sub : spec.subcommands().values()) {
                if (sub.getCommandSpec().usageMessage().hidden()) continue;
                if (out.stream().anyMatch(n -> n.spec == sub.getCommandSpec())) continue; // aliases
                out.add(new Node(path.isEmpty() ? sub.getCommandName() : path + " " + sub.getCommandName(), sub.getCommandSpec()));
            }
            return out;
        }

        List<OptionSpec> options() {
            return spec.options().stream().filter(o -> !o.hidden()).toList();
        }

        Candidates first() {
            return spec.parent() != null && spec.parent().parent() == null ? FIRST_PARAMETER.get(name()) : null;
        }

        boolean firstIsFile() {
            return !spec.positionalParameters().isEmpty() && isFile(spec.positionalParameters().get(0).type());
        }
    }

    private static List<Node> all(CommandLine root) {
        List<Node> out = new ArrayList<>();
        collect(new Node("", root.getCommandSpec()), out);
        return out;
    }

    private static void collect(Node n, List<Node> out) {
        out.add(n);
        for (Node c : n.children()) collect(c, out);
    }

    private static boolean isFile(Class<?> type) {
        return Path.class.isAssignableFrom(type) || java.io.File.class.isAssignableFrom(type);
    }

    /** The first line of a description, for a completion menu. */
    private static String summary(String[] description) {
        String s = description.length == 0 ? "" : description[0].strip();
        int stop = s.indexOf(". ");
        if (stop > 0) s = s.substring(0, stop + 1);
        return s;
    }

    static String fish(CommandLine root) {
        StringBuilder b = new StringBuilder();
        b.append("# fish completion for ebpm, written from its command model by `ebpm completion fish`.\n");
        b.append("# Installed packages and run ids come from `ebpm __complete`.\n\n");
        b.append("function __ebpm_command --description 'the ebpm command the command line is in, as \"ebpm hub add\"'\n");
        b.append("    set -l path ebpm\n");
        b.append("    for word in (commandline -opc)[2..-1]\n");
        b.append("        switch \"$path $word\"\n");
        b.append("            case");
        for (Node n : all(root)) if (!n.path().isEmpty()) b.append(' ').append(fishQuote("ebpm " + n.path()));
        b.append("\n                set path \"$path $word\"\n");
        b.append("        end\n    end\n    echo $path\nend\n\n");
        b.append("complete -c ebpm -f\n");
        for (Node n : all(root)) {
            String when = "-n " + fishQuote("test (__ebpm_command) = " + fishQuote("ebpm" + (n.path().isEmpty() ? "" : " " + n.path())));
            for (Node c : n.children()) {
                b.append("complete -c ebpm ").append(when).append(" -a ").append(fishQuote(c.name()))
                        .append(" -d ").append(fishQuote(summary(c.spec().usageMessage().description()))).append('\n');
            }
            for (OptionSpec o : n.options()) {
                b.append("complete -c ebpm ").append(when);
                for (String name : o.names()) {
                    if (name.startsWith("--")) b.append(" -l ").append(name.substring(2));
                    else if (name.length() == 2) b.append(" -s ").append(name.substring(1));
                    else b.append(" -o ").append(name.substring(1));
                }
                if (o.arity().max() > 0) b.append(isFile(o.type()) ? " -r -F" : " -r");
                b.append(" -d ").append(fishQuote(summary(o.description()))).append('\n');
            }
            if (n.first() != null) {
                b.append("complete -c ebpm ").append(when).append(" -a ").append(fishQuote("(ebpm __complete " + n.first() + " 2>/dev/null)")).append('\n');
            } else if (n.firstIsFile()) {
                b.append("complete -c ebpm ").append(when).append(" -F\n");
            }
        }
        return b.toString();
    }

    private static String fishQuote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static String zsh(CommandLine root) {
        StringBuilder b = new StringBuilder();
        b.append("#compdef ebpm\n");
        b.append("# zsh completion for ebpm, written from its command model by `ebpm completion zsh`.\n");
        b.append("# Installed packages and run ids come from `ebpm __complete`.\n\n");
        // _arguments calls an action with compadd's options before the action's own word: what to list is the last
        b.append("_ebpm_candidates() {\n");
        b.append("  local what=${@[-1]}\n");
        b.append("  local -a found\n");
        b.append("  found=(${(f)\"$(ebpm __complete $what 2>/dev/null)\"})\n");
        b.append("  _describe -t $what $what found\n");
        b.append("}\n\n");
        for (Node n : all(root)) {
            b.append(zshFunction(n)).append(" () {\n");
            b.append("  local curcontext=$curcontext state line\n");
            b.append("  typeset -A opt_args\n");
            b.append("  _arguments -s -S");
            for (OptionSpec o : n.options()) {
                for (String name : o.names()) {
                    b.append(" \\\n    ").append(zshQuote(name + (o.arity().max() > 0 ? "=" : "") + "[" + zshEscape(summary(o.description())) + "]"
                            + (o.arity().max() > 0 ? ":" + zshEscape(o.paramLabel()) + ":" + (isFile(o.type()) ? "_files" : "") : "")));
                }
            }
            List<Node> children = n.children();
            if (!children.isEmpty()) {
                b.append(" \\\n    '1: :->command' \\\n    '*:: :->argument'\n");
                b.append("  case $state in\n");
                b.append("    command)\n      local -a commands\n      commands=(\n");
                for (Node c : children) b.append("        ").append(zshQuote(c.name() + ":" + summary(c.spec().usageMessage().description()).replace(":", "\\:"))).append('\n');
                b.append("      )\n      _describe -t commands ").append(zshQuote(("ebpm " + n.path()).strip() + " command")).append(" commands ;;\n");
                b.append("    argument)\n      case $line[1] in\n");
                for (Node c : children) b.append("        ").append(c.name()).append(") ").append(zshFunction(c)).append(" ;;\n");
                b.append("      esac ;;\n  esac\n");
            } else {
                if (n.first() != null) b.append(" \\\n    ").append(zshQuote("1:" + n.first() + ":_ebpm_candidates " + n.first()));
                else if (n.firstIsFile()) b.append(" \\\n    '1:file:_files'");
                b.append(" \\\n    '*:: :_default'\n");
            }
            b.append("}\n\n");
        }
        b.append("_ebpm \"$@\"\n");
        return b.toString();
    }

    private static String zshFunction(Node n) {
        return n.path().isEmpty() ? "_ebpm" : "_ebpm_" + n.path().replace(' ', '_').replace('-', '_');
    }

    /** What _arguments reads literally inside a description or a label: brackets and colons escaped. */
    private static String zshEscape(String s) {
        return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
    }

    private static String zshQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
