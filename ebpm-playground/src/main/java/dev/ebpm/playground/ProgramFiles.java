package dev.ebpm.playground;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The files the page edits, laid out as {@code ebpm build} takes a package directory: {@code NAME.bpf.c}, the headers
 * beside it ({@code NAME.h} is the event header), and an optional {@code ebpm-build.json}. Everything the page sends is
 * checked here: names (no path, no other kind of file), one source named after the program, bounded sizes.
 *
 * @param name  the program's name, the stem of its {@code .bpf.c}
 * @param files file name → text
 */
public record ProgramFiles(String name, SortedMap<String, String> files) {
    static final String SOURCE_SUFFIX = ".bpf.c";
    static final String BUILD_CONFIG = "ebpm-build.json";
    static final int MAX_TOTAL_CHARS = 1 << 20;
    static final int MAX_FILES = 32;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}(\\.bpf\\.c|\\.h)");

    public ProgramFiles {
        checkName(name);
        if (files == null || files.isEmpty()) throw new PlaygroundException("no files to build");
        if (files.size() > MAX_FILES) throw new PlaygroundException(files.size() + " files: the playground edits at most " + MAX_FILES);
        long chars = 0;
        for (Map.Entry<String, String> f : files.entrySet()) {
            String n = f.getKey();
            if (!n.equals(BUILD_CONFIG) && !FILE.matcher(n).matches()) {
                throw new PlaygroundException("file '" + n + "': the playground edits NAME.bpf.c, *.h and " + BUILD_CONFIG + " only");
            }
            if (n.endsWith(SOURCE_SUFFIX) && !n.equals(name + SOURCE_SUFFIX)) {
                throw new PlaygroundException("file '" + n + "': the one source is " + name + SOURCE_SUFFIX);
            }
            if (f.getValue() == null) throw new PlaygroundException("file '" + n + "' has no text");
            chars += f.getValue().length();
        }
        if (chars > MAX_TOTAL_CHARS) throw new PlaygroundException("the files hold " + chars + " characters; at most " + MAX_TOTAL_CHARS);
        if (!files.containsKey(name + SOURCE_SUFFIX)) throw new PlaygroundException("no " + name + SOURCE_SUFFIX + " among the files");
        files = new TreeMap<>(files);
    }

    /** A program's (and a saved package's) name, as {@code ebpm init} takes it. */
    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PlaygroundException("bad name '" + name + "': use a lower-case letter, then letters, digits, '-' or '_' (at most 64)");
        }
    }

    /** Whether a package file is one the page edits (top level, a source, a header or the build configuration). */
    static boolean editable(String path) {
        return path.equals(BUILD_CONFIG) || FILE.matcher(path).matches();
    }

    /** Reads the editable files of a package directory whose source is {@code name.bpf.c}. */
    static ProgramFiles read(Path dir, String name) throws IOException {
        SortedMap<String, String> files = new TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (Files.isRegularFile(p) && editable(n)) files.put(n, Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return new ProgramFiles(name, files);
    }

    /** Writes every file into {@code dir} (which holds nothing else of the playground's). */
    void writeTo(Path dir) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The same program under another name: {@code NAME.bpf.c} and {@code NAME.h} take the new name, and so does the
     * source's {@code #include "NAME.h"} (the event header is found by that name).
     */
    ProgramFiles renamed(String newName) {
        if (newName.equals(name)) return this;
        checkName(newName);
        SortedMap<String, String> out = new TreeMap<>();
        String include = "#include \"" + name + ".h\"";
        for (Map.Entry<String, String> f : files.entrySet()) {
            String n = f.getKey();
            String renamed = n.equals(name + SOURCE_SUFFIX) ? newName + SOURCE_SUFFIX : n.equals(name + ".h") ? newName + ".h" : n;
            if (!renamed.equals(n) && files.containsKey(renamed)) {
                throw new PlaygroundException("cannot rename " + n + " to " + renamed + ": the program already has a file of that name");
            }
            out.put(renamed, f.getValue().replace(include, "#include \"" + newName + ".h\""));
        }
        return new ProgramFiles(newName, out);
    }
}
