package dev.ebpm.loader.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * eunomia's {@code ///} doc comments, read from the source without a C parser: the comment lines
 * right above a global variable, a {@code .maps} definition, a {@code SEC()} program or
 * {@code LICENSE}. {@code /// @key JSON} sets a key ({@code @description}, {@code @cmdarg},
 * {@code @sample}, ...); plain text is the description. The result has the build-config shape
 * {@code {"variables": {}, "maps": {}, "progs": {}, "doc": {}}}. Declarations it cannot name are
 * skipped rather than guessed.
 */
public final class SourceDocs {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern TAG = Pattern.compile("^@(\\w+)\\s*(.*)$");
    private static final Pattern MAP_DEF = Pattern.compile("\\}\\s*(\\w+)\\s*SEC\\s*\\(\\s*\"\\.maps\"\\s*\\)");
    private static final Pattern PROG_MACRO = Pattern.compile("\\bBPF_\\w+\\s*\\(\\s*(\\w+)");
    private static final Pattern FUNC_NAME = Pattern.compile("(\\w+)\\s*\\(");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_]\\w*");
    private static final Pattern TYPE_ONLY = Pattern.compile("^(?:typedef\\b.*|(?:struct|union|enum)\\s*\\w*\\s*;)$", Pattern.DOTALL);

    private SourceDocs() {}

    public static ObjectNode parse(String source) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String[] lines = source.split("\n", -1);
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("///")) {
                pending.add(line.substring(3).strip());
                continue;
            }
            if (line.isEmpty() || pending.isEmpty()) {
                if (!line.isEmpty()) {
                    pending.clear();
                }
                continue;
            }
            StringBuilder decl = new StringBuilder();
            int depth = 0;
            boolean done = false;
            boolean function = false;
            for (; i < lines.length && !done; i++) {
                String l = stripLineComment(lines[i]);
                for (int k = 0; k < l.length(); k++) {
                    char c = l.charAt(k);
                    if (c == '{') {
                        if (depth == 0 && decl.indexOf("(") >= 0 && decl.indexOf("=") < 0 && !decl.toString().contains("struct {")) {
                            function = true;
                            done = true;
                            break;
                        }
                        depth++;
                    } else if (c == '}') {
                        depth--;
                    }
                    decl.append(c);
                    if (c == ';' && depth == 0) {
                        done = true;
                        break;
                    }
                }
                decl.append(' ');
            }
            i--;
            attach(out, decl.toString().strip(), function, pending);
            pending.clear();
        }
        return out;
    }

    private static String stripLineComment(String line) {
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }

    private static void attach(ObjectNode out, String decl, boolean function, List<String> doc) {
        String kind;
        String name;
        Matcher m;
        if (function) {
            if (!decl.contains("SEC(") || decl.startsWith("static")) {
                return;
            }
            kind = "progs";
            Matcher macro = PROG_MACRO.matcher(decl);
            if (macro.find()) {
                name = macro.group(1);
            } else {
                String afterSec = decl.replaceAll("SEC\\s*\\(\\s*\"[^\"]*\"\\s*\\)", " ");
                Matcher f = FUNC_NAME.matcher(afterSec);
                if (!f.find()) {
                    return;
                }
                name = f.group(1);
            }
        } else if ((m = MAP_DEF.matcher(decl)).find()) {
            kind = "maps";
            name = m.group(1);
        } else {
            String flat = removeBraces(decl);
            if (flat.startsWith("static") || flat.startsWith("extern") || TYPE_ONLY.matcher(flat).matches()) {
                return;
            }
            flat = flat.replaceAll("=.*$", "").replaceAll("SEC\\s*\\([^)]*\\)", " ")
                    .replaceAll("__attribute__\\s*\\(\\(.*?\\)\\)", " ").replaceAll("\\[[^\\]]*\\]", " ").replace(";", " ");
            Matcher id = IDENT.matcher(flat);
            String last = null;
            while (id.find()) {
                last = id.group();
            }
            if (last == null) {
                return;
            }
            name = last;
            kind = name.equals("LICENSE") ? "doc" : "variables";
        }
        ObjectNode target = kind.equals("doc") ? out.withObject("/doc") : out.withObject("/" + kind).withObject("/" + name);
        List<String> text = new ArrayList<>();
        for (String line : doc) {
            Matcher t = TAG.matcher(line);
            if (t.matches()) {
                target.set(t.group(1), value(t.group(2)));
            } else if (!line.isEmpty()) {
                text.add(line);
            }
        }
        if (!text.isEmpty() && !target.has("description")) {
            target.set("description", value(String.join(" ", text)));
        }
    }

    private static String removeBraces(String decl) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (char c : decl.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }

    /** JSON if it parses ({@code "text"}, {@code {"short": "p"}}, {@code 1000}), else the text itself. */
    private static JsonNode value(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return JsonNodeFactory.instance.booleanNode(true);
        }
        try {
            JsonNode n = JSON.readTree(t);
            if (n != null && !n.isMissingNode()) {
                return n;
            }
        } catch (Exception e) {
            // not JSON: keep the words
        }
        return JsonNodeFactory.instance.textNode(t);
    }
}
