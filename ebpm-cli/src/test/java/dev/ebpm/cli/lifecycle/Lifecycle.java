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

/** Test helpers: ebpm commands in this JVM (the daemon they start is a real process), and kernel object ids. */
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

    /**
     * The BPF programs, maps and links of run {@code id}, from its pins (/sys/fs/bpf/ebpm/ID/progs, maps, links), as
     * "prog:ID", "map:ID", "link:ID": what bpftool says is pinned there.
     */
    static Set<String> objectsOf(String id) throws IOException, InterruptedException {
        Set<String> out = new HashSet<>();
        Path dir = dev.ebpm.core.runs.RunDirectory.BPFFS.resolve(id);
        for (String[] kind : List.of(new String[] {"progs", "prog"}, new String[] {"maps", "map"}, new String[] {"links", "link"})) {
            Path sub = dir.resolve(kind[0]);
            if (!Files.isDirectory(sub)) continue;
            try (Stream<Path> pins = Files.list(sub)) {
                for (Path pin : (Iterable<Path>) pins::iterator) {
                    Process p = new ProcessBuilder("bpftool", "-j", kind[1], "show", "pinned", pin.toString()).start();
                    JsonNode n = JSON.readTree(p.getInputStream().readAllBytes());
                    p.waitFor();
                    if (n != null && n.has("id")) out.add(kind[1] + ":" + n.get("id").asText());
                }
            }
        }
        return out;
    }

    /** The pid of the daemon serving {@code store}, from its runs/daemon.json. */
    static long daemonPid(Path store) throws IOException {
        return JSON.readTree(store.resolve("runs/daemon.json").toFile()).get("pid").asLong();
    }

    /** The run ids the store's daemon hosts now (its status route). */
    static Set<String> hosted(Path store) throws IOException {
        CliProcess.Result r = ebpm("daemon", "status", "--json", "--store", store.toString());
        if (r.exitCode() != 0) throw new AssertionError("daemon status failed: " + r.stdout() + r.stderr());
        Set<String> ids = new HashSet<>();
        for (JsonNode n : JSON.readTree(r.stdout()).get("runs")) ids.add(n.asText());
        return ids;
    }

    /** Stops every run of {@code store} and its daemon (each test class's store has its own). */
    static void stopAll(Path store) {
        ebpm("stop", "--all", "--store", store.toString());
        ebpm("daemon", "stop", "--store", store.toString());
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

    /**
     * The test classpath readable by another user: every entry under a private directory (~/.m2) is copied into
     * {@code dir}, which is opened to everyone.
     */
    static String readableClasspath(Path dir) throws IOException {
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> out = new java.util.ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.startsWith(System.getProperty("user.home")) && Files.isRegularFile(p)) {
                Path copy = dir.resolve((n++) + "-" + p.getFileName());
                if (!Files.exists(copy)) Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                out.add(copy.toString());
            } else {
                out.add(e);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }
}
