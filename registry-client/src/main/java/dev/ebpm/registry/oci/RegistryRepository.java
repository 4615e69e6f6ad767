package dev.ebpm.registry.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One repository on a registry, read through its {@link DistributionClient}. */
public record RegistryRepository(DistributionClient client, String repository) implements ArtifactSource {
    @Override
    public String describe() {
        return client.registry() + "/" + repository;
    }

    @Override
    public Optional<DistributionClient.Fetched> manifest(String reference) {
        return client.manifest(repository, reference);
    }

    @Override
    public Path blob(Descriptor d) {
        return client.blob(repository, d);
    }

    @Override
    public List<Descriptor> referrers(String subjectDigest, String artifactType) {
        return client.referrers(repository, subjectDigest, artifactType);
    }
}
