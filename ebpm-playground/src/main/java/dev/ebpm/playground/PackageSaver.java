package dev.ebpm.playground;

import dev.ebpm.loader.build.ProjectScaffold;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Save as package: the directory {@code ebpm init NAME} makes (ebpm.json, README.md, .gitignore, the CI workflow),
 * holding the page's files instead of the template's. It is made whole in a hidden directory beside the target and
 * renamed into place, so the target is either absent or complete; an existing target is never touched.
 */
final class PackageSaver {
    private final Path parent;

    /** @param parent where packages are saved ({@code ebpm playground --dir}, default the current directory) */
    PackageSaver(Path parent) {
        this.parent = parent.toAbsolutePath().normalize();
    }

    Path parent() {
        return parent;
    }

    /** Writes {@code parent/name} from the program (renamed to {@code name}); returns the directory. */
    Path save(ProgramFiles program, String name) {
        ProgramFiles.checkName(name);
        ProgramFiles files = program.renamed(name);
        Path target = parent.resolve(name);
        if (Files.exists(target)) throw new PlaygroundException(target + " already exists: choose another name");
        Path staging = null;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + name + ".saving-");
            Path dir = ProjectScaffold.create(staging, name);
            // the template's own program goes; the page's files take its place
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) if (Files.isRegularFile(p) && ProgramFiles.editable(p.getFileName().toString())) Files.delete(p);
            }
            files.writeTo(dir);
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new PlaygroundException(target + " already exists: choose another name");
        } catch (IOException | UncheckedIOException e) {
            throw new PlaygroundException("cannot save " + target + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) deleteTree(staging);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // a leftover hidden staging directory is harmless; the saved package is complete or absent either way
        }
    }
}
