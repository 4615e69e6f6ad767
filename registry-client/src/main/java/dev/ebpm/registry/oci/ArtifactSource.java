package dev.ebpm.registry.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where artifacts are read from, oras' "target" in its read half: a repository on a registry ({@link RegistryRepository})
 * or an OCI image layout ({@link ImageLayout}). Content is addressed by digest; tags only name digests.
 */
public interface ArtifactSource {
    /** For messages: {@code registry/repository} or the layout's file. */
    String describe();

    /** The manifest or index {@code reference} (a tag or a digest) names, verified against its digest; empty if none. */
    Optional<DistributionClient.Fetched> manifest(String reference);

    /** A blob, verified against its digest, as an immutable file. */
    Path blob(Descriptor d);

    /** The manifests whose subject is {@code subjectDigest}, of {@code artifactType} if given. */
    List<Descriptor> referrers(String subjectDigest, String artifactType);
}
