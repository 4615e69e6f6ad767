package dev.ebpm.playground;

import dev.ebpm.core.session.Session;
import dev.ebpm.loader.build.ProjectScaffold;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.store.InstalledPackages;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the editor's text comes from: {@code ebpm init}'s template; the source of an installed package that carries
 * one (a {@code .bpf.c} at its top level: what {@code ebpm pack} and {@code ebpm publish} put in), read from the store
 * with every file re-hashed; or one of the embedded examples' directories (the examples hub serves them built, without
 * their sources, so installed examples have none).
 */
final class ProgramSources {
    /** The name the template's program gets until it is saved under another. */
    static final String TEMPLATE_NAME = "hello";

    /** An installed package the page offers. */
    record Installed(String name, String version, String description) {}

    private final Session session;
    private final Path scratch;

    /** @param scratch a directory of the playground's own, where the template is written once to be read back */
    ProgramSources(Session session, Path scratch) {
        this.session = session;
        this.scratch = scratch;
    }

    /** What {@code ebpm init hello} writes: the program and its event header (and nothing else the page edits). */
    ProgramFiles template() {
        try {
            Path dir = scratch.resolve("template");
            if (!Files.isDirectory(dir.resolve(TEMPLATE_NAME))) ProjectScaffold.create(dir, TEMPLATE_NAME);
            return ProgramFiles.read(dir.resolve(TEMPLATE_NAME), TEMPLATE_NAME);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new PlaygroundException("cannot read ebpm init's template: " + e.getMessage(), e);
        }
    }

    /** The embedded examples with a {@code NAME.bpf.c} and no WASM app, by name. */
    List<String> examples() {
        List<String> out = new ArrayList<>();
        Optional<Path> dir = session.settings().examplesDir();
        if (dir.isEmpty() || !Files.isDirectory(dir.get())) return out;
        try (Stream<Path> s = Files.list(dir.get())) {
            for (Path d : s.sorted().toList()) {
                String name = d.getFileName().toString();
                if (Files.isRegularFile(d.resolve(name + ProgramFiles.SOURCE_SUFFIX)) && !Files.exists(d.resolve("app.c"))) out.add(name);
            }
        } catch (IOException e) {
            throw new PlaygroundException("cannot list the examples in " + dir.get() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The editable files of example {@code name}. */
    ProgramFiles example(String name) {
        if (!examples().contains(name)) throw new PlaygroundException("no example " + name);
        try {
            return ProgramFiles.read(session.settings().examplesDir().orElseThrow().resolve(name), name);
        } catch (IOException e) {
            throw new PlaygroundException("cannot read example " + name + ": " + e.getMessage(), e);
        }
    }

    /** The current version of every installed eBPF package with a {@code .bpf.c}, by name. */
    List<Installed> installed() {
        Optional<LocalStore> store = session.existingStore();
        List<Installed> out = new ArrayList<>();
        if (store.isEmpty()) return out;
        InstalledPackages packages = store.get().packages();
        for (InstalledVersion v : packages.list()) {
            if (!v.current() || v.kind() != PackageKind.BPF) continue;
            if (sourceOf(packages, v).isPresent()) out.add(new Installed(v.name().value(), v.version().toString(), v.description()));
        }
        return out;
    }

    /** The editable files of installed package {@code name} (its current version). */
    ProgramFiles installed(String name) {
        ProgramFiles.checkName(name);
        LocalStore store = session.existingStore().orElseThrow(() -> new PlaygroundException("no package is installed (the store is empty)"));
        InstalledPackages packages = store.packages();
        PackageName pn = PackageName.parse(name);
        InstalledVersion v = packages.list().stream().filter(x -> x.name().equals(pn) && x.current()).findFirst()
                .orElseThrow(() -> new PlaygroundException(name + " is not installed"));
        String source = sourceOf(packages, v).orElseThrow(() -> new PlaygroundException(v.id() + " carries no .bpf.c source"));
        SortedMap<String, String> files = new TreeMap<>();
        for (String path : packages.info(pn, v.version()).manifest().files().keySet()) {
            if (ProgramFiles.editable(path)) files.put(path, new String(packages.openFile(pn, v.version(), path), StandardCharsets.UTF_8));
        }
        return new ProgramFiles(source.substring(0, source.length() - ProgramFiles.SOURCE_SUFFIX.length()), files);
    }

    /** The package's one top-level {@code .bpf.c}, if it has exactly one. */
    private static Optional<String> sourceOf(InstalledPackages packages, InstalledVersion v) {
        List<String> sources = packages.info(v.name(), v.version()).manifest().files().keySet().stream()
                .filter(p -> p.endsWith(ProgramFiles.SOURCE_SUFFIX) && ProgramFiles.editable(p)).toList();
        return sources.size() == 1 ? Optional.of(sources.get(0)) : Optional.empty();
    }
}
