package dev.ebpm.registry.oci;

import java.util.Locale;

/** An index entry's platform, in Go's names (GOOS/GOARCH), and the one this machine is. */
public record Platform(String os, String architecture, String variant) {
    /** This machine: linux and the JVM's architecture in Go's spelling (amd64, arm64, ...). */
    public static Platform host() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String go = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            case "arm" -> "arm";
            default -> arch;
        };
        return new Platform("linux", go, null);
    }

    /** True if an image for {@code this} runs on {@code host} (variant ignored: BPF bytecode has none). */
    public boolean runsOn(Platform host) {
        return os.equals(host.os) && architecture.equals(host.architecture);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
