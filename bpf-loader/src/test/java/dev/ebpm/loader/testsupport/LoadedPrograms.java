package dev.ebpm.loader.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The BPF programs of given names that this test JVM left loaded: held by one of its own fds, or by no process at
 * all (kept by the kernel: an attachment or a pin). Programs of the same names that another process holds are another
 * tool's (another test run on the machine) and are not counted.
 */
public final class LoadedPrograms {
    private LoadedPrograms() {}

    /** "id name" of each program named in {@code names} that is ours; a program no one holds is looked at twice. */
    public static List<String> leftBy(Set<String> names) throws IOException, InterruptedException {
        List<String> ours = ours(names);
        if (ours.isEmpty()) return ours;
        Thread.sleep(300); // a process that just exited: the kernel frees its programs after its fds are gone
        return ours(names);
    }

    private static List<String> ours(Set<String> names) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "prog", "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        List<String> left = new ArrayList<>();
        JsonNode arr = new ObjectMapper().readTree(out);
        if (arr == null) return left;
        for (JsonNode n : arr) {
            if (!names.contains(n.path("name").asText())) continue;
            long id = n.get("id").asLong();
            Set<Long> holders = holders(id);
            if (holders.isEmpty() || holders.contains(ProcessHandle.current().pid())) left.add(id + " " + n.path("name").asText());
        }
        return left;
    }

    /** Processes with a program or link fd whose fdinfo names program {@code id}. */
    private static Set<Long> holders(long id) {
        Set<Long> pids = new HashSet<>();
        File[] procs = new File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        if (procs == null) return pids;
        for (File proc : procs) {
            File[] infos = new File(proc, "fdinfo").listFiles();
            if (infos == null) continue;
            for (File info : infos) {
                try {
                    for (String line : Files.readAllLines(info.toPath())) {
                        if (line.startsWith("prog_id:") && Long.parseLong(line.substring(8).strip()) == id) pids.add(Long.parseLong(proc.getName()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process or the fd went away while we looked
                }
            }
        }
        return pids;
    }
}
