package dev.ebpm.loader.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** External tools the tests run for real; a missing one skips the test by name. */
public final class Tools {
    private Tools() {}

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    public static void assumeTool(String tool) {
        Assumptions.assumeTrue(onPath(tool), tool + " not installed");
    }

    public static void assumeKernelBtf() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel BTF /sys/kernel/btf/vmlinux not available (CONFIG_DEBUG_INFO_BTF)");
    }

    /** Compiles a C file for BPF with BTF; {@code target} is bpfel or bpfeb. */
    public static Path compileBpf(Path source, Path out, String target, String... extra) throws IOException, InterruptedException {
        assumeTool("clang");
        List<String> cmd = new ArrayList<>(List.of("clang", "-target", target, "-g", "-O2", "-c", source.toString(), "-o", out.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("clang failed: " + log);
        }
        return out;
    }

    /** The repository root (set by surefire), for examples/. */
    public static Path repoRoot() {
        String root = System.getProperty("ebpm.repo.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath();
    }
}
