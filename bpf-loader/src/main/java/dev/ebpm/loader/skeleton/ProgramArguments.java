package dev.ebpm.loader.skeleton;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.ProgramOptionException;
import dev.ebpm.loader.skeleton.EunomiaPackage.Variable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line options a package's data-section variables become, spelled as ecli spells them:
 * {@code --NAME VALUE} (or cmdarg.long, and cmdarg.short as {@code -X}); a bool with default false
 * is {@code --enable-NAME}, with default true {@code --disable-NAME}, with no default {@code --NAME}.
 */
public final class ProgramArguments {
    /** One option derived from a variable. */
    public record Option(Variable variable, String section, String flag, String shortFlag, boolean isBool,
                         Boolean boolDefault, String defaultText, String help) {}

    private final String programName;
    private final List<Option> options = new ArrayList<>();

    public ProgramArguments(EunomiaPackage pkg, String programName) {
        this.programName = programName;
        EunomiaPackage.BpfSkel skel = pkg.meta == null ? null : pkg.meta.bpfSkel;
        if (skel == null || skel.dataSections == null) return;
        for (EunomiaPackage.DataSection section : skel.dataSections) {
            if (section.variables == null) continue;
            for (Variable v : section.variables) {
                if (v.name == null || v.name.startsWith("__eunomia_dummy")) continue;
                EunomiaPackage.CmdArg c = v.cmdarg;
                String lng = c != null && c.longName != null ? c.longName : v.name;
                String help = c != null && c.help != null ? c.help
                        : v.description != null ? v.description
                        : "Set value of `" + v.type + "` variable " + v.name;
                JsonNode def = c != null && c.defaultValue != null && !c.defaultValue.isNull() ? c.defaultValue : v.value;
                if ("bool".equals(v.type) || "_Bool".equals(v.type)) {
                    Boolean d = def == null || def.isNull() ? null : def.asBoolean();
                    String flag = d == null ? "--" + lng : d ? "--disable-" + lng : "--enable-" + lng;
                    options.add(new Option(v, section.name, flag, null, true, d, d == null ? null : d.toString(), help));
                } else {
                    String shortFlag = null;
                    if (c != null && c.shortName != null) {
                        if (c.shortName.length() != 1) {
                            throw new BpfException("variable '" + v.name + "': cmdarg.short must be one character, not \"" + c.shortName + "\"");
                        }
                        shortFlag = "-" + c.shortName;
                    }
                    String defText = def == null || def.isNull() ? null : def.isTextual() ? def.asText() : def.toString();
                    options.add(new Option(v, section.name, "--" + lng, shortFlag, false, null, defText, help));
                }
            }
        }
    }

    public List<Option> options() {
        return List.copyOf(options);
    }

    /**
     * Parses the words after the package name. Returns variable name -> text value for every option
     * given; bools map to "true"/"false". {@code --help} is not handled here.
     */
    public Map<String, String> parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            String inline = null;
            int eq = word.indexOf('=');
            if (word.startsWith("--") && eq > 0) {
                inline = word.substring(eq + 1);
                word = word.substring(0, eq);
            }
            Option opt = find(word);
            if (opt == null) {
                throw new ProgramOptionException("unknown option '" + word + "' for " + programName + "; valid options: " + validList());
            }
            if (opt.isBool()) {
                if (inline != null) throw new ProgramOptionException("option " + opt.flag() + " takes no value");
                boolean value = opt.boolDefault() == null || !opt.boolDefault();
                values.put(opt.variable().name, Boolean.toString(value));
            } else {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.size()) throw new ProgramOptionException("option " + word + " needs a value (" + opt.variable().type + ")");
                    value = args.get(++i);
                }
                values.put(opt.variable().name, value);
            }
        }
        return values;
    }

    private Option find(String word) {
        for (Option o : options) {
            if (o.flag().equals(word) || word.equals(o.shortFlag())) return o;
        }
        return null;
    }

    public String validList() {
        if (options.isEmpty()) return "(none: this program takes no options)";
        List<String> names = new ArrayList<>();
        for (Option o : options) names.add(o.shortFlag() == null ? o.flag() : o.flag() + "|" + o.shortFlag());
        return String.join(", ", names);
    }

    /** The usage text for {@code ebpm run PKG --help}. */
    public String usage(String brief) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ebpm run ").append(programName).append(" [OPTIONS]\n");
        if (brief != null && !brief.isBlank()) sb.append(brief.strip()).append('\n');
        sb.append("\nProgram options (from the package's data sections):\n");
        if (options.isEmpty()) sb.append("  (none)\n");
        for (Option o : options) {
            String left = (o.shortFlag() != null ? o.shortFlag() + ", " : "    ") + o.flag()
                    + (o.isBool() ? "" : " <" + o.variable().type + ">");
            sb.append(String.format("  %-34s %s", left, o.help()));
            if (o.defaultText() != null && !o.isBool()) sb.append(" (default: ").append(o.defaultText()).append(')');
            sb.append('\n');
        }
        sb.append("\nRunner options: --json/-j  --verbose  --btf FILE  --ifname IF  --uprobe-binary PATH  --duration SECONDS\n");
        return sb.toString();
    }
}
