package dev.ebpm.pkg;

import java.util.Locale;

/** What a package runs as: an eunomia-style BPF skeleton or a WASM module. */
public enum PackageKind {
    BPF("bpf"),
    WASM("wasm");

    private final String id;

    PackageKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static PackageKind parse(String s) {
        for (PackageKind k : values()) {
            if (k.id.equals(s)) {
                return k;
            }
        }
        throw new InvalidPackageException("invalid package kind " + Quote.of(s) + ": expected \"bpf\" or \"wasm\"");
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
