package dev.ebpm.loader.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a build's bytes depend on besides the package's own sources: the clang that compiled it, the libbpf headers it
 * included, the target architecture and the vmlinux.h. {@code ebpm build} records it in package.json as
 * {@code meta.ebpm_build}, so anyone can tell whether their build should give the same bytes (docs/package-format.md,
 * "Reproducible builds").
 */
public record Toolchain(String clang, Optional<String> libbpf, String targetArch, String vmlinuxSha256) {
    private static final Pattern LIBBPF_DEFINE = Pattern.compile("#define\\s+LIBBPF_(MAJOR|MINOR)_VERSION\\s+(\\d+)");

    /** The toolchain of a build with {@code clang} against {@code vmlinuxHeader}. */
    static Toolchain of(HostTool clang, Path vmlinuxHeader, Path workDir) {
        return new Toolchain(clangVersion(clang, workDir), libbpfHeaders(), PackageBuilder.targetArch(), VmlinuxHeader.sha256Of(vmlinuxHeader));
    }

    /** The record as package.json carries it (keys sorted). */
    public SortedMap<String, String> asRecord() {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("clang", clang);
        libbpf.ifPresent(v -> m.put("libbpf", v));
        m.put("target_arch", targetArch);
        m.put("vmlinux_h", "sha256:" + vmlinuxSha256);
        return m;
    }

    /** The first line of {@code clang --version}: "Debian clang version 14.0.6". */
    static String clangVersion(HostTool clang, Path workDir) {
        HostTool.Result r = clang.run(List.of("--version"), workDir);
        String first = r.output().lines().findFirst().orElse("").strip();
        if (!r.ok() || first.isEmpty()) throw new BuildException(clang.path() + " --version failed (exit " + r.exitCode() + ")", r.output(), null);
        return first;
    }

    /** libbpf's version from {@code bpf/libbpf_version.h} where Debian's libbpf-dev puts it, if it is there. */
    static Optional<String> libbpfHeaders() {
        Path h = Path.of("/usr/include/bpf/libbpf_version.h");
        try {
            if (!Files.isRegularFile(h)) return Optional.empty();
            String major = null;
            String minor = null;
            Matcher m = LIBBPF_DEFINE.matcher(Files.readString(h));
            while (m.find()) {
                if (m.group(1).equals("MAJOR")) major = m.group(2);
                else minor = m.group(2);
            }
            return major == null || minor == null ? Optional.empty() : Optional.of(major + "." + minor);
        } catch (IOException e) {
            return Optional.empty(); // unreadable: the record leaves libbpf out rather than guess
        }
    }
}
