package dev.ebpm.core.run;

import dev.ebpm.loader.skeleton.PackageReader;

/**
 * A package ready for the kernel, and where it came from: either a decoded eunomia skeleton ({@code bpf}) or a WASM
 * module's bytes ({@code wasm}). Everything that can be checked was checked before one was made: an installed package's
 * signature and digests, a hub package's trust, a file's format.
 *
 * @param name    short name, for messages and run records
 * @param version the version if known (installed, from a hub, or an ebpm.json beside a file), else null
 * @param origin  where it came from, for messages: "sigsnoop@1.0.0 (installed, package.json)", a path, a URL
 */
public record RunnablePackage(String name, String version, String origin, PackageReader.Decoded bpf, byte[] wasm) {
    public boolean isWasm() {
        return wasm != null;
    }

    RunnablePackage named(String newName, String newVersion, String newOrigin) {
        return new RunnablePackage(newName, newVersion, newOrigin, bpf, wasm);
    }
}
