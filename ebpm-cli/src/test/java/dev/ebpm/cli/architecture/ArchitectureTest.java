package dev.ebpm.cli.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.cli.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The architecture docs/architecture.md describes, checked against the code: the module graph the poms declare, no
 * package cycle in any module, the CLI holding commands and output only, and every class the walks name existing.
 */
class ArchitectureTest {
    private static final Path ROOT = CliProcess.repoRoot();
    private static final List<String> MODULES = List.of("package-format", "web-pages", "bpf-loader", "local-store",
            "registry-client", "registry-server-mock", "ebpm-core", "ebpm-metrics", "ebpm-daemon", "ebpm-playground", "ebpm-cli");

    /** Each module's dev.ebpm dependencies (compile scope), as its pom declares them. */
    static Map<String, Set<String>> moduleGraph() throws IOException {
        Pattern dep = Pattern.compile("<dependency>\\s*<groupId>dev\\.ebpm</groupId>\\s*<artifactId>([\\w-]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);
        Map<String, Set<String>> g = new TreeMap<>();
        for (String m : MODULES) {
            String pom = Files.readString(ROOT.resolve(m).resolve("pom.xml"));
            pom = pom.substring(pom.indexOf("<dependencies>"));
            Set<String> deps = new TreeSet<>();
            Matcher x = dep.matcher(pom);
            while (x.find()) if (!x.group(2).contains("<scope>test</scope>")) deps.add(x.group(1));
            g.put(m, deps);
        }
        return g;
    }

    @Test
    void theModuleGraphIsTheDocumentedOne() throws IOException {
        // docs/architecture.md lists the graph as "module -> a, b" lines inside its "Module graph" block
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        Matcher block = Pattern.compile("<!-- module graph -->\\s*```\\s*(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(block.find(), "docs/architecture.md has the module graph block");
        Map<String, Set<String>> documented = new TreeMap<>();
        for (String line : block.group(1).strip().split("\n")) {
            String[] parts = line.split("->");
            Set<String> to = new TreeSet<>();
            if (parts.length > 1) for (String t : parts[1].split(",")) if (!t.isBlank()) to.add(t.strip());
            documented.put(parts[0].strip(), to);
        }
        assertEquals(moduleGraph(), documented, "pom.xml dependencies vs docs/architecture.md");
    }

    @Test
    void noModuleCycleAndNoPackageCycle() throws IOException {
        Map<String, Set<String>> g = moduleGraph();
        for (String m : MODULES) assertFalse(reaches(g, m, m, new TreeSet<>()), "module cycle through " + m);
        for (String m : MODULES) {
            PackageGraph p = PackageGraph.of(ROOT.resolve(m).resolve("src/main/java"), "dev.ebpm");
            assertEquals(List.of(), p.cycles(), m + " has package cycles:" + p.describe(p.cycles()));
        }
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String target, Set<String> seen) {
        for (String next : g.getOrDefault(from, Set.of())) {
            if (next.equals(target)) return true;
            if (seen.add(next) && reaches(g, next, target, seen)) return true;
        }
        return false;
    }

    @Test
    void bpfLoadersNativeBindingDependsOnNothingElseInTheModule() throws IOException {
        PackageGraph g = PackageGraph.of(ROOT.resolve("bpf-loader/src/main/java"), "dev.ebpm.loader");
        assertTrue(g.packages().contains("dev.ebpm.loader.internal"), "read bpf-loader's sources: " + g.packages());
        assertEquals(Map.of(), g.dependencies("dev.ebpm.loader.internal"));
    }

    /** jnr-ffi is an implementation detail of bpf-loader's internal package: no other source of any module touches it. */
    @Test
    void onlyBpfLoadersInternalPackageUsesJnr() throws IOException {
        Map<String, Map<String, String>> uses = new TreeMap<>();
        for (String m : MODULES) {
            PackageGraph g = PackageGraph.of(ROOT.resolve(m).resolve("src/main/java"), "jnr", "com.kenai");
            for (String pkg : g.packages()) {
                if (!pkg.equals("dev.ebpm.loader.internal") && !g.dependencies(pkg).isEmpty()) uses.put(m + ": " + pkg, g.dependencies(pkg));
            }
        }
        assertEquals(Map.of(), uses, "packages outside bpf-loader's internal that use jnr (package -> {jnr package = file})");
    }

    /**
     * The CLI parses, calls ebpm-core and prints: it reaches no store, network, trust, transport or runner machinery
     * itself (value types of the lower modules, the objects it prints, are fine).
     */
    @Test
    void theCliHoldsCommandsAndOutputOnly() throws IOException {
        List<String> forbidden = List.of("dev.ebpm.store.LocalStore", "dev.ebpm.store.InstallWriter", "dev.ebpm.store.StoreMaintenance",
                "dev.ebpm.store.InstalledPackages", "dev.ebpm.pkg.trust.TrustPolicy", "dev.ebpm.pkg.trust.Verifier",
                "dev.ebpm.registry.Http", "dev.ebpm.registry.Downloader", "dev.ebpm.registry.hubs.", "dev.ebpm.loader.run.SkeletonRunner",
                "dev.ebpm.loader.wasm.WasmRunner", "dev.ebpm.loader.internal.", "okhttp3.", "java.sql.", "java.net.http.", "org.sqlite.");
        List<String> found = new ArrayList<>();
        Path src = ROOT.resolve("ebpm-cli/src/main/java");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String code = PackageGraph.codeOnly(Files.readString(f));
                for (String name : forbidden) if (code.contains(name)) found.add(src.relativize(f) + " uses " + name);
            }
        }
        assertEquals(List.of(), found);
    }

    /** Every class the walks of `install` and `run` name (in backticks) exists in the sources. */
    @Test
    void theWalksInTheDocsNameClassesThatExist() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        int start = doc.indexOf("## The walk of");
        assertTrue(start > 0, "docs/architecture.md has the walks");
        String walks = doc.substring(start, doc.indexOf("\n## ", start + 5) < 0 ? doc.length() : nextSection(doc, start));
        Set<String> classes = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][A-Za-z0-9]+)(?:\\.[a-zA-Z]+)*(?:\\(\\))?`").matcher(walks);
        while (m.find()) if (!m.group(1).equals(m.group(1).toUpperCase(java.util.Locale.ROOT))) classes.add(m.group(1));
        assertTrue(classes.size() > 20, "the walks name the classes they go through: " + classes);
        Set<String> sources = new TreeSet<>();
        for (String mod : MODULES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(mod).resolve("src/main/java"))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).forEach(n -> sources.add(n.substring(0, n.length() - 5)));
            }
        }
        Set<String> missing = new TreeSet<>(classes);
        missing.removeAll(sources);
        assertEquals(Set.of(), missing, "classes named in docs/architecture.md's walks that are not in the sources");
    }

    /** The walks are the sections from "## The walk of" up to the first section that is not a walk. */
    private static int nextSection(String doc, int start) {
        int i = start;
        while (true) {
            int next = doc.indexOf("\n## ", i + 1);
            if (next < 0) return doc.length();
            if (!doc.startsWith("\n## The walk of", next)) return next;
            i = next;
        }
    }
}
