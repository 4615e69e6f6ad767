package dev.ebpm.loader.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one {@code ebpm build} compiles, found the way ecc takes its arguments: a package directory (its one
 * {@code NAME.bpf.c}, with {@code NAME.h} beside it as the event header if there is one), a {@code FILE.bpf.c} with an
 * optional {@code EVENT.h}, or, with {@code --header-only}, a header compiled on its own for its types.
 *
 * @param dir         where package.json and {@code .output/} go unless the options say otherwise
 * @param source      the file clang compiles
 * @param name        the program's name: {@code sigsnoop} for {@code sigsnoop.bpf.c}, {@code event} for {@code event.h}
 * @param eventHeader the structs to export, if a header gives them
 */
public record BuildSources(Path dir, Path source, String name, Optional<EventHeader> eventHeader) {
    public static final String SOURCE_SUFFIX = ".bpf.c";

    /** A package directory or a {@code .bpf.c} file, with an explicit event header or the one beside the source. */
    public static BuildSources of(Path dirOrFile, Optional<Path> header) {
        // clang runs in the source directory: every path handed to it must be absolute
        Path path = dirOrFile.toAbsolutePath().normalize();
        Path source;
        if (Files.isDirectory(path)) {
            source = findSource(path);
        } else if (path.getFileName().toString().endsWith(SOURCE_SUFFIX) && Files.isRegularFile(path)) {
            source = path;
        } else if (!Files.exists(path)) {
            throw new BuildException("not a directory: " + dirOrFile);
        } else {
            throw new BuildException(dirOrFile + " is neither a package directory nor a *" + SOURCE_SUFFIX + " source"
                    + (path.getFileName().toString().endsWith(".h") ? " (to build a header's types alone, add --header-only)" : ""));
        }
        String file = source.getFileName().toString();
        String name = file.substring(0, file.length() - SOURCE_SUFFIX.length());
        Path beside = source.resolveSibling(name + ".h");
        Optional<Path> eventFile = header.map(h -> h.toAbsolutePath().normalize())
                .or(() -> Files.isRegularFile(beside) ? Optional.of(beside) : Optional.empty());
        if (header.isPresent() && !Files.isRegularFile(eventFile.get())) {
            throw new BuildException("event header " + header.get() + " does not exist");
        }
        return new BuildSources(source.getParent(), source, name, eventFile.map(EventHeader::read));
    }

    /** ecc's {@code --header-only}: the header is the source, and its structs the export types. */
    public static BuildSources headerOnly(Path header) {
        Path path = header.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new BuildException("--header-only needs a header file, and " + header + " is not one");
        }
        String file = path.getFileName().toString();
        int dot = file.indexOf('.');
        String name = dot > 0 ? file.substring(0, dot) : file; // as ecc names the object: up to the first dot
        return new BuildSources(path.getParent(), path, name, Optional.of(EventHeader.read(path)));
    }

    /** True when the header itself is compiled ({@code --header-only}). */
    public boolean isHeaderOnly() {
        return eventHeader.isPresent() && eventHeader.get().file().equals(source);
    }

    static Path findSource(Path dir) {
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.getFileName().toString().endsWith(SOURCE_SUFFIX) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new BuildException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (sources.isEmpty()) {
            throw new BuildException("no *" + SOURCE_SUFFIX + " source in " + dir);
        }
        if (sources.size() > 1) {
            throw new BuildException("more than one *" + SOURCE_SUFFIX + " in " + dir + ": "
                    + String.join(", ", sources.stream().map(p -> p.getFileName().toString()).toList())
                    + "; keep one per package");
        }
        return sources.get(0);
    }
}
