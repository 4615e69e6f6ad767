package dev.ebpm.playground;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message of clang's, as it prints them ({@code FILE:LINE:COLUMN: error: MESSAGE}), with the file reduced to its
 * name: the build compiles in a directory of the playground's, so {@code ./hello.h} and {@code hello.h} are the
 * editor's {@code hello.h}. Messages about other files (a system header) keep their path.
 */
public record Diagnostic(String file, int line, int column, String severity, String message) {
    private static final Pattern LINE = Pattern.compile("^(.+?):(\\d+):(\\d+): (fatal error|error|warning|note): (.*)$", Pattern.MULTILINE);

    /** Every diagnostic in clang's output, in order; {@code buildDir} is stripped from paths under it. */
    static List<Diagnostic> parse(String clangOutput, String buildDir) {
        List<Diagnostic> out = new ArrayList<>();
        Matcher m = LINE.matcher(clangOutput);
        while (m.find()) {
            String file = m.group(1);
            if (file.startsWith(buildDir + "/")) file = file.substring(buildDir.length() + 1);
            if (file.startsWith("./")) file = file.substring(2);
            String severity = m.group(4).equals("fatal error") ? "error" : m.group(4);
            out.add(new Diagnostic(file, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), severity, m.group(5)));
        }
        return out;
    }
}
