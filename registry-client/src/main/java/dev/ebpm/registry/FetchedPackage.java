package dev.ebpm.registry;

import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.UnpackedPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A package downloaded from a hub and fully verified: the archive's SHA-256 matched the index (or, for a static hub,
 * was computed here) and every file matched the manifest. {@code archive} is the verified .ebpm in the download cache,
 * or null for static/directory packages, which have no archive (their manifest was synthesized). {@code signature} is the
 * package signature the hub serves for this version (JSON, see docs/trust.md), or null if it serves none: the hub
 * client passes it on, the caller decides whether it is trusted. {@code origin} is set for a package that came from an
 * OCI registry: the objects it came as and the format it was in (null otherwise).
 */
public record FetchedPackage(String hub, UnpackedPackage pkg, String sha256, Path archive, String signature, ArtifactOrigin origin) {
    public FetchedPackage(String hub, UnpackedPackage pkg, String sha256, Path archive, String signature) {
        this(hub, pkg, sha256, archive, signature, null);
    }

    public PackageManifest manifest() {
        return pkg.manifest();
    }

    /** The entry file's bytes: the eunomia package.json of a BPF package or the module of a WASM one. */
    public byte[] entryBytes() {
        return pkg.bytes(pkg.manifest().entry());
    }

    /** The archive bytes for the store, or null when there is no archive. */
    public byte[] archiveBytesOrNull() {
        if (archive == null) return null;
        try {
            return Files.readAllBytes(archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String id() {
        return pkg.manifest().id();
    }
}
