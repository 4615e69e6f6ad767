package dev.ebpm.loader.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ecc's event header: the {@code NAME.h} beside {@code NAME.bpf.c} that declares what the program sends to user
 * space. Every {@code struct NAME} defined in it becomes an export type. ecc keeps each one in the object's BTF by
 * appending {@code const volatile struct NAME * __eunomia_dummy_NAME_ptr __attribute__((unused));} to the source
 * it compiles; {@link #markers()} is that text. Comments are skipped (ecc's regex reads them too).
 */
public record EventHeader(Path file, List<String> structs) {
    private static final Pattern STRUCT = Pattern.compile("struct\\s+(\\w+)\\s*\\{");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    public EventHeader {
        structs = List.copyOf(structs);
    }

    /** Reads the header; it must declare at least one struct, else it cannot be an event header. */
    public static EventHeader read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildException("cannot read event header " + file + ": " + e.getMessage(), e);
        }
        List<String> names = structNames(text);
        if (names.isEmpty()) {
            throw new BuildException("event header " + file + " declares no struct (expected e.g. struct event { ... };)");
        }
        return new EventHeader(file, names);
    }

    /** The names of the structs the text defines, in order, each once. */
    static List<String> structNames(String text) {
        Matcher m = STRUCT.matcher(COMMENT.matcher(text).replaceAll(" "));
        LinkedHashSet<String> names = new LinkedHashSet<>();
        while (m.find()) names.add(m.group(1));
        return new ArrayList<>(names);
    }

    /** What ecc appends to the source so clang keeps every struct of the header in BTF. */
    public String markers() {
        StringBuilder sb = new StringBuilder();
        for (String s : structs) {
            sb.append("const volatile struct ").append(s).append(" * __eunomia_dummy_").append(s)
                    .append("_ptr  __attribute__((unused));\n");
        }
        return sb.toString();
    }
}
