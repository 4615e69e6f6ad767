package dev.ebpm.registry;

import java.nio.file.Path;

/**
 * One content-addressed object a package came as from an OCI registry or image layout (its manifest, config, layers,
 * the index above it, the signature referrer and its blobs), verified against its digest and held in {@code file}.
 * {@code role} says which: {@value #INDEX}, {@value #MANIFEST}, {@value #BLOB}, {@value #REFERRER}.
 */
public record ArtifactObject(String digest, String mediaType, long size, String role, Path file) {
    /** The index the reference named, above the platform's manifest. */
    public static final String INDEX = "index";
    /** The package's manifest. */
    public static final String MANIFEST = "manifest";
    /** A config or layer of the manifest or of a referrer. */
    public static final String BLOB = "blob";
    /** A referrer's manifest (ebpm's signature), whose subject is the package's manifest. */
    public static final String REFERRER = "referrer";
}
