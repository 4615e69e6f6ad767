package dev.ebpm.registry.oci;

import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes an artifact's objects to a repository, in the order a registry accepts them: blobs (skipped when present,
 * mounted from {@code mountFrom} when given), the manifest under its tag, then each referrer by digest. A registry
 * without the referrers API (no {@code OCI-Subject} answer) gets the referrers tag schema's index updated as well:
 * the {@code sha256-HEX} tag's index, read, the referrer added once, written back.
 */
public final class ArtifactPusher {
    private final DistributionClient client;

    public ArtifactPusher(DistributionClient client) {
        this.client = client;
    }

    /** @return the pushed manifest's digest */
    public String push(String repository, String tag, List<ArtifactObject> objects, String mountFrom) {
        ArtifactObject manifest = objects.stream().filter(o -> o.role().equals(ArtifactObject.MANIFEST)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no manifest to push"));
        for (ArtifactObject o : objects) {
            if (o.role().equals(ArtifactObject.BLOB)) client.pushBlob(repository, new Descriptor(o.mediaType(), o.digest(), o.size(), null, null, null), o.file(), mountFrom);
        }
        client.pushManifest(repository, tag, manifest.mediaType(), read(manifest));
        for (ArtifactObject o : objects) {
            if (!o.role().equals(ArtifactObject.REFERRER)) continue;
            byte[] bytes = read(o);
            boolean indexed = client.pushManifest(repository, o.digest(), o.mediaType(), bytes);
            if (!indexed) addToFallbackIndex(repository, manifest.digest(), o, bytes);
        }
        return manifest.digest();
    }

    private void addToFallbackIndex(String repository, String subject, ArtifactObject referrer, byte[] bytes) {
        OciDocument.Manifest m = (OciDocument.Manifest) OciDocument.parse(bytes, referrer.mediaType(), "referrer " + referrer.digest());
        String tag = DistributionClient.fallbackTag(subject);
        List<Descriptor> entries = new ArrayList<>();
        client.manifest(repository, tag).ifPresent(f -> {
            if (f.document("referrers tag " + tag) instanceof OciDocument.Index i) entries.addAll(i.manifests());
        });
        if (entries.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) return;
        entries.add(new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), m.effectiveArtifactType(), null, m.annotations()));
        client.pushManifest(repository, tag, MediaTypes.OCI_INDEX, new OciDocument.Index(MediaTypes.OCI_INDEX, null, entries, null, null).toJson());
    }

    private static byte[] read(ArtifactObject o) {
        try {
            return Files.readAllBytes(o.file());
        } catch (IOException e) {
            throw new RegistryException("cannot read " + o.file() + ": " + e.getMessage());
        }
    }
}
