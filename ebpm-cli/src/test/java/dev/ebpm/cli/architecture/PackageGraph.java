package dev.ebpm.cli.architecture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependency graph of a Java source tree: an edge from a file's package to every
 * package it imports or names fully qualified in its code (comments and string literals aside),
 * kept when the target lies under one of the given prefixes. Packages are told from types by the
 * usual naming (packages lower case, types capitalized). {@link #cycles()} lists every cycle.
 *
 * <pre>
 * PackageGraph g = PackageGraph.of(Path.of("src/main/java"), "dev.ebpm");
 * assertEquals(List.of(), g.cycles(), g.describe(g.cycles()));
 * </pre>
 */
public final class PackageGraph {
    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("\\bimport\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;");

    private final Set<String> packages = new TreeSet<>();
    /** from -> to -> the first file (relative to the root) that makes the edge. */
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    private PackageGraph() {}

    /** Reads every {@code .java} file under {@code sourceRoot}; {@code prefixes} select the target packages kept. */
    public static PackageGraph of(Path sourceRoot, String... prefixes) throws IOException {
        PackageGraph g = new PackageGraph();
        List<Pattern> qualified = new ArrayList<>();
        for (String prefix : prefixes) {
            // a package under the prefix followed by a capitalized type name
            qualified.add(Pattern.compile("(?<![\\w.])(" + Pattern.quote(prefix) + "(?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z]"));
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(sourceRoot)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
            Matcher pm = PACKAGE.matcher(code);
            String from = pm.find() ? pm.group(1) : "";
            g.packages.add(from);
            String where = sourceRoot.relativize(file).toString();
            Matcher im = IMPORT.matcher(code);
            while (im.find()) {
                String target = packageOf(im.group(1));
                if (underAny(target, prefixes)) g.addEdge(from, target, where);
            }
            for (Pattern q : qualified) {
                Matcher qm = q.matcher(code);
                while (qm.find()) g.addEdge(from, qm.group(1), where);
            }
        }
        return g;
    }

    private void addEdge(String from, String to, String where) {
        if (from.equals(to)) return;
        edges.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, where);
    }

    /** The package part of an imported name: the segments before the first capitalized one. */
    static String packageOf(String name) {
        String[] parts = name.split("\\.");
        List<String> pkg = new ArrayList<>();
        for (String p : parts) {
            if (!p.isEmpty() && Character.isUpperCase(p.charAt(0))) break;
            pkg.add(p);
        }
        return String.join(".", pkg);
    }

    private static boolean underAny(String pkg, String[] prefixes) {
        for (String p : prefixes) if (pkg.equals(p) || pkg.startsWith(p + ".")) return true;
        return false;
    }

    /** The packages that have source files here. */
    public Set<String> packages() {
        return Set.copyOf(packages);
    }

    /** What {@code pkg} depends on, each with the first file that makes the dependency. */
    public Map<String, String> dependencies(String pkg) {
        return Map.copyOf(edges.getOrDefault(pkg, Map.of()));
    }

    /**
     * The cycles between packages, as paths that return to their start ({@code [a, b, a]}): for every
     * package on a cycle, the shortest cycle through it, each cycle listed once, from its first
     * package by name.
     */
    public List<List<String>> cycles() {
        List<List<String>> out = new ArrayList<>();
        for (Set<String> component : stronglyConnected()) {
            if (component.size() < 2) continue;
            for (String start : component) {
                List<String> cycle = rotateToFirst(shortestCycle(start, component));
                if (!out.contains(cycle)) out.add(cycle);
            }
        }
        return out;
    }

    private static List<String> rotateToFirst(List<String> cycle) {
        List<String> ring = cycle.subList(0, cycle.size() - 1);
        int first = ring.indexOf(new TreeSet<>(ring).first());
        List<String> out = new ArrayList<>(ring.subList(first, ring.size()));
        out.addAll(ring.subList(0, first));
        out.add(out.get(0));
        return out;
    }

    /** Each cycle on a line, each edge with the file that makes it. */
    public String describe(List<List<String>> cycles) {
        StringBuilder sb = new StringBuilder();
        for (List<String> cycle : cycles) {
            sb.append("\n  ").append(cycle.get(0));
            for (int i = 1; i < cycle.size(); i++) {
                sb.append(" -> ").append(cycle.get(i)).append(" (").append(edges.get(cycle.get(i - 1)).get(cycle.get(i))).append(')');
            }
        }
        return sb.toString();
    }

    /** Tarjan's algorithm; components come out with their members sorted by name. */
    private List<Set<String>> stronglyConnected() {
        Set<String> nodes = new TreeSet<>(packages);
        edges.values().forEach(m -> nodes.addAll(m.keySet()));
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String n : nodes) {
            if (!index.containsKey(n)) connect(n, index, low, stack, onStack, out, counter);
        }
        return out;
    }

    private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /** Breadth-first from {@code start} back to it, inside the component. */
    private List<String> shortestCycle(String start, Set<String> component) {
        Map<String, String> parent = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
                if (!component.contains(w)) continue;
                if (w.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = v; !p.equals(start); p = parent.get(p)) path.add(1, p);
                    path.add(start);
                    return path;
                }
                if (!parent.containsKey(w)) {
                    parent.put(w, v);
                    queue.add(w);
                }
            }
        }
        throw new IllegalStateException(start + " is in a strongly connected component but on no cycle");
    }

    /**
     * The source with comments, string and char literals and text blocks blanked out (kept as
     * spaces), so a name mentioned only in prose is no dependency.
     */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i = blank(out, src, i);
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                while (i < end) i = blank(out, src, i);
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') end = src.indexOf("\"\"\"", end + 1);
                end = end < 0 ? n : end + 3;
                while (i < end) i = blank(out, src, i);
            } else if (c == '"' || c == '\'') {
                out.append(' ');
                i++;
                while (i < n && src.charAt(i) != c && src.charAt(i) != '\n') {
                    if (src.charAt(i) == '\\') i = blank(out, src, i);
                    if (i < n) i = blank(out, src, i);
                }
                if (i < n) i = blank(out, src, i);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(StringBuilder out, String src, int i) {
        out.append(src.charAt(i) == '\n' ? '\n' : ' ');
        return i + 1;
    }
}
