package dev.ebpm.loader;

import dev.ebpm.loader.internal.KernelObjects;
import dev.ebpm.loader.internal.NativeException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every BPF program loaded in the kernel, whoever loaded it, as {@code bpftool prog} lists them: id, type, name, tag,
 * owner uid and load time; where its links attach it; and which processes hold it (an fd to the program or to one of
 * its links, from {@code /proc/PID/fdinfo}), which is the loader while it runs. Listing needs CAP_SYS_ADMIN.
 */
public final class KernelPrograms {
    private KernelPrograms() {}

    /** A process holding a program open: its pid and command name. */
    public record Holder(long pid, String command) {}

    /**
     * @param attachPoints one per link of the program, as the kernel describes it ("tracepoint sys_enter_kill"); empty
     *                     for a program attached by other means (tc, a legacy perf event) or not at all
     */
    public record LoadedProgram(int id, String type, String name, String tag, int uid, Instant loadedAt,
            List<String> attachPoints, List<Holder> holders) {}

    /** @throws BpfException when the kernel refuses (not root) */
    public static List<LoadedProgram> list() {
        try {
            Map<Integer, List<String>> targets = new HashMap<>();
            for (int linkId : KernelObjects.linkIds()) {
                KernelObjects.Link l = KernelObjects.link(linkId);
                if (l == null) continue;
                targets.computeIfAbsent(l.progId(), k -> new ArrayList<>()).add(l.target() == null ? l.typeName() + " link" : l.target());
            }
            Map<Integer, Set<Holder>> holders = holders();
            long bootMillis = bootTimeMillis();
            List<LoadedProgram> out = new ArrayList<>();
            for (int id : KernelObjects.programIds()) {
                KernelObjects.Program p = KernelObjects.program(id);
                if (p == null) continue; // unloaded while we listed
                out.add(new LoadedProgram(p.id(), p.typeName(), p.name(), p.tag(), p.uid(),
                        Instant.ofEpochMilli(bootMillis + p.loadTimeNs() / 1_000_000), List.copyOf(targets.getOrDefault(id, List.of())),
                        List.copyOf(holders.getOrDefault(id, Set.of()))));
            }
            return out;
        } catch (NativeException e) {
            throw new BpfException("cannot list the kernel's BPF programs: " + e.getMessage()
                    + (e.errno() == 1 ? " (listing every program needs root, or CAP_SYS_ADMIN)" : ""), null, e.errno());
        }
    }

    /** Ids of the programs pinned under {@code dir} (directly, or through a pinned link), at any depth. */
    public static Set<Integer> pinnedUnder(Path dir) {
        Set<Integer> ids = new TreeSet<>();
        if (!Files.isDirectory(dir)) return ids;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                try {
                    int id = KernelObjects.pinnedProgramId(p.toString());
                    if (id != 0) ids.add(id);
                } catch (NativeException e) {
                    // unpinned while we walked
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the directory went away while we walked: what was seen is the answer
        }
        return ids;
    }

    /** Program id -> processes holding it or a link to it, from every /proc/PID/fdinfo we may read. */
    private static Map<Integer, Set<Holder>> holders() {
        Map<Integer, Set<Holder>> out = new HashMap<>();
        File[] procs = new File("/proc").listFiles((d, name) -> !name.isEmpty() && name.chars().allMatch(Character::isDigit));
        if (procs == null) return out;
        for (File proc : procs) {
            File[] fds = new File(proc, "fd").listFiles();
            if (fds == null) continue;
            Holder holder = null;
            for (File fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd.toPath()).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue;
                }
                if (!target.equals("anon_inode:bpf-prog") && !KernelObjects.isLink(target)) continue;
                try {
                    for (String line : Files.readAllLines(proc.toPath().resolve("fdinfo").resolve(fd.getName()))) {
                        if (!line.startsWith("prog_id:")) continue;
                        if (holder == null) holder = new Holder(Long.parseLong(proc.getName()), command(proc));
                        out.computeIfAbsent(Integer.parseInt(line.substring(8).strip()), k -> new LinkedHashSet<>()).add(holder);
                    }
                } catch (IOException | RuntimeException e) {
                    // the fd or the process went away
                }
            }
        }
        return out;
    }

    private static String command(File proc) {
        try {
            return Files.readString(proc.toPath().resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Wall-clock time of boot, from /proc/stat's btime (seconds): load times are counted from it. */
    private static long bootTimeMillis() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) return Long.parseLong(line.substring(6).strip()) * 1000;
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }
}
