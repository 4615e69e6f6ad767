package dev.ebpm.loader.btf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A kernel as btfhub-archive files it: {@code ID/VERSION_ID/ARCH/RELEASE}, from os-release's ID and VERSION_ID, the
 * machine and {@code uname -r} (e.g. {@code ubuntu/20.04/x86_64/5.4.0-1012-aws}), the path BTF for it has in the
 * archive and the key of the BTF ebpm embeds for it.
 */
public record BtfHubKernel(String id, String versionId, String arch, String release) {
    private static final List<Path> OS_RELEASE = List.of(Path.of("/etc/os-release"), Path.of("/usr/lib/os-release"));
    private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

    public String key() {
        return id + "/" + versionId + "/" + arch + "/" + release;
    }

    @Override
    public String toString() {
        return key();
    }

    /** A key or an archive path without its {@code .btf} extension; empty if it does not have four parts. */
    public static Optional<BtfHubKernel> parse(String key) {
        String[] p = key.split("/", -1);
        if (p.length != 4) return Optional.empty();
        for (String part : p) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) return Optional.empty();
        }
        return Optional.of(new BtfHubKernel(p[0], p[1], p[2], p[3]));
    }

    /** The running kernel; ID and VERSION_ID are "unknown" where os-release does not say. */
    public static BtfHubKernel current() {
        String id = "unknown";
        String version = "unknown";
        for (Path f : OS_RELEASE) {
            if (!Files.isReadable(f)) continue;
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.startsWith("ID=")) id = unquote(line.substring(3));
                    if (line.startsWith("VERSION_ID=")) version = unquote(line.substring(11));
                }
            } catch (IOException e) {
                continue;
            }
            break;
        }
        String release;
        try {
            release = Files.readString(OSRELEASE, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            release = System.getProperty("os.version", "unknown");
        }
        return new BtfHubKernel(id, version, machine(), release);
    }

    /** btfhub's architecture directories: {@code x86_64} and {@code arm64}. */
    static String machine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static String unquote(String v) {
        String s = v.strip();
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
