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

    /** Number of BPF links the kernel holds. */
    public static int linkCount() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "link", "show").start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        JsonNode arr = new ObjectMapper().readTree(out);
        return arr == null ? 0 : arr.size();
    }

    /** Program names are truncated to 15 characters by the kernel. */
    public static String kernelName(String prog) {
        return prog.length() > 15 ? prog.substring(0, 15) : prog;
    }
}
