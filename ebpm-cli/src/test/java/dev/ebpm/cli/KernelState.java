package dev.ebpm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** What bpftool says is loaded in the kernel, to check that nothing of ours leaks. */
public final class KernelState {
    private KernelState() {}

    /** Names of every BPF program loaded right now. */
    public static Set<String> programNames() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "prog", "show").redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        Set<String> names = new HashSet<>();
        JsonNode arr = new ObjectMapper().readTree(out);
        if (arr != null) for (JsonNode n : arr) if (n.has("name")) names.add(n.get("name").asText());
        return names;
    }

    /** Ids of the loaded programs whose (kernel, 15-char) name is one of {@code progs}. */
    public static Set<Long> programIds(java.util.Collection<String> progs) throws IOException, InterruptedException {
        Set<String> names = new HashSet<>();
        for (String p : progs) names.add(kernelName(p));
        Process p = new ProcessBuilder("bpftool", "-j", "prog", "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        Set<Long> ids = new HashSet<>();
        JsonNode arr = new ObjectMapper().readTree(out);
        if (arr != null) for (JsonNode n : arr) if (n.has("name") && names.contains(n.get("name").asText())) ids.add(n.get("id").asLong());
        return ids;
    }

    /**
     * Remembers which programs of these names were loaded before a test (another tool may run the
     * same package), so that {@link #assertNoneLeft()} sees only what the test itself leaked.
     */
    public static final class Snapshot {
        private final java.util.Collection<String> progs;
        private final Set<Long> before;

        public Snapshot(java.util.Collection<String> progs) throws IOException, InterruptedException {
            this.progs = progs;
            this.before = programIds(progs);
        }

        public void assertNoneLeft() throws IOException, InterruptedException {
            Set<Long> now = programIds(progs);
            now.removeAll(before);
            // held only by processes that are not ours: another tool (or test run) loaded the same package meanwhile
            now.removeIf(id -> heldOnlyByOthers(id));
            if (!now.isEmpty()) throw new AssertionError("programs of ours still loaded after the test: ids " + now + " (" + progs + ")");
        }
    }

    /**
     * The check around every test of a class, registered with {@code @RegisterExtension}: before each test, the
     * {@link Snapshot} of the named programs; after it, {@link Snapshot#assertNoneLeft()}.
     */
    public static final class NothingLeftLoaded implements org.junit.jupiter.api.extension.BeforeEachCallback,
            org.junit.jupiter.api.extension.AfterEachCallback {
        private final java.util.Collection<String> progs;
        private Snapshot before;

        public NothingLeftLoaded(java.util.Collection<String> progs) {
            this.progs = progs;
        }

        @Override
        public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            before = new Snapshot(progs);
        }

        @Override
        public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            before.assertNoneLeft();
        }
    }

    /**
     * True if a live process holds program {@code id} (a program or link fd whose fdinfo names it) and none of its
     * holders descends from this JVM. A program no process holds is kept by the kernel (an attachment or a pin): a leak.
     */
    static boolean heldOnlyByOthers(long id) {
        Set<Long> holders = new HashSet<>();
        java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        if (procs == null) return false;
        for (java.io.File proc : procs) {
            java.io.File[] infos = new java.io.File(proc, "fdinfo").listFiles();
            if (infos == null) continue;
            for (java.io.File info : infos) {
                try {
                    for (String line : java.nio.file.Files.readAllLines(info.toPath())) {
                        if (line.startsWith("prog_id:") && Long.parseLong(line.substring(8).strip()) == id) holders.add(Long.parseLong(proc.getName()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process or fd went away while we looked
                }
            }
        }
        if (holders.isEmpty()) return false;
        long self = ProcessHandle.current().pid();
        for (long pid : holders) {
            for (var h = ProcessHandle.of(pid); h.isPresent(); h = h.get().parent()) {
                if (h.get().pid() == self) return false;
            }
        }
        return true;
    }

    /** Number of BPF links the kernel holds. */
    public static int linkCount() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "link", "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        JsonNode arr = new ObjectMapper().readTree(out);
        return arr == null ? 0 : arr.size();
    }

    /** Link types ("perf_event", "tracing", ...) of the links that attach one of the programs {@code progIds}. */
    public static java.util.List<String> linkTypes(Set<Long> progIds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "link", "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        java.util.List<String> types = new java.util.ArrayList<>();
        JsonNode arr = new ObjectMapper().readTree(out);
        if (arr != null) for (JsonNode n : arr) if (progIds.contains(n.path("prog_id").asLong())) types.add(n.path("type").asText());
        return types;
    }

    /** Program names are truncated to 15 characters by the kernel. */
    public static String kernelName(String prog) {
        return prog.length() > 15 ? prog.substring(0, 15) : prog;
    }
}
