package dev.ebpm.registry;

/**
 * Packages named by a reference typed on the command line rather than found on a configured hub: an OCI image
 * reference. Offered by a {@link HubTransport} through {@link HubTransport#references}; the repository system asks it
 * to resolve a reference and to fetch what a digest names, then decides trust and stores.
 */
public interface ReferenceSource {
    /** The digest {@code ref} names now: a digest as given, without I/O; a tag through the network. */
    String resolve(ArtifactReference ref);

    /** Downloads what {@code digest} names in {@code ref}'s repository, verified, decoded from whatever format it is in. */
    FetchedPackage fetch(ArtifactReference ref, String digest);

    /** True if {@code registry} answers as an OCI registry (for messages: "not a registry" vs "no such repository"). */
    boolean isRegistry(String registry);
}
