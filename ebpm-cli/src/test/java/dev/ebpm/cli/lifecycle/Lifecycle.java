package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.InProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Test helpers: ebpm commands in this JVM (the runners they start are real processes), and kernel object ids. */
final class Lifecycle {
    static final ObjectMapper JSON = new ObjectMapper();

    private Lifecycle() {
    }

    static void useBundledExamples() {
        System.setProperty("ebpm.examples", CliProcess.repoRoot().resolve("examples").toString());
    }

    /** Runs one ebpm command line in-process, capturing what it prints. */
    static CliProcess.Result ebpm(String... args) {
        CliProcess.Result r = InProcess.execute(args);
        return new CliProcess.Result(r.exitCode(), r.stdout().strip(), r.stderr());
    }

    static JsonNode ps(Path store, String... more) throws IOException {
        String[] args = Stream.concat(Stream.of("ps", "--json", "--store", store.toString()), Stream.of(more)).toArray(String[]::new);
        CliProcess.Result r = ebpm(args);
        if (r.exitCode() != 0) throw new AssertionError("ps failed: " + r.stderr());
        return JSON.readTree(r.stdout());
    }

    static JsonNode run(JsonNode ps, String id) {
        for (JsonNode n : ps) if (n.get("id").asText().equals(id)) return n;
        return null;
    }

    /** The BPF programs, maps and links process {@code pid} holds fds to, as "prog:ID", "map:ID", "link:ID". */
    static Set<String> heldBy(long pid) throws IOException {
        Set<String> out = new HashSet<>();
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> s = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                String kind = target.equals("anon_inode:bpf-prog") ? "prog"
                        : target.equals("anon_inode:bpf-map") ? "map"
                        : target.equals("anon_inode:bpf_link") ? "link" : null;
                if (kind == null) continue;
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", fd.getFileName().toString()))) {
                    if (line.startsWith(kind + "_id:")) out.add(kind + ":" + line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return out;
    }

    /** Every program, map and link id the kernel has now, as "prog:ID", "map:ID", "link:ID". */
    static Set<String> kernelObjects() throws IOException, InterruptedException {
        Set<String> out = new HashSet<>();
        for (String kind : List.of("prog", "map", "link")) {
            Process p = new ProcessBuilder("bpftool", "-j", kind, "show").start();
            byte[] bytes = p.getInputStream().readAllBytes();
            p.waitFor();
            JsonNode arr = JSON.readTree(bytes);
            if (arr != null) for (JsonNode n : arr) if (n.has("id")) out.add(kind + ":" + n.get("id").asText());
        }
        return out;
    }

    /** Waits (the kernel frees objects a moment after the last fd closes) until none of {@code ours} is loaded. */
    static Set<String> stillLoaded(Set<String> ours) throws Exception {
        Set<String> left = new HashSet<>(ours);
        for (int i = 0; i < 100; i++) {
            left.retainAll(kernelObjects());
            if (left.isEmpty()) return left;
            Thread.sleep(50);
        }
        return left;
    }

    /** Alive and not a zombie (a runner's parent, the CLI, is gone; whoever adopted it may reap late). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
