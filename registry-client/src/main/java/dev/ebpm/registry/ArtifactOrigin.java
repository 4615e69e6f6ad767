package dev.ebpm.registry;

import java.util.List;

/**
 * Where a package fetched from an OCI registry (or an image layout) came from: the reference, the digest it resolved to,
 * the format it was in, the objects it came as (kept in the store by digest, so it runs and exports with no network),
 * and the ebpm signatures found as its referrers. {@code signable} is false for foreign formats (ecli, bpfman,
 * bumblebee, Inspektor Gadget), which carry no ebpm signature: trusting them takes a pinned digest or --allow-unsigned.
 * {@code notes} are what the user should be told (a gadget's title, what ebpm does not run of it).
 */
public record ArtifactOrigin(ArtifactReference reference, String digest, String format, boolean signable, List<ArtifactObject> objects,
                             List<String> signatures, List<String> notes) {
    public ArtifactOrigin {
        objects = List.copyOf(objects);
        signatures = List.copyOf(signatures);
        notes = List.copyOf(notes);
    }

    /** {@code registry/repository@digest}: what the store records as the install's source. */
    public String pinned() {
        return reference.name() + "@" + digest;
    }
}
