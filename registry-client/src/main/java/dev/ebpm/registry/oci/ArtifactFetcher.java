package dev.ebpm.registry.oci;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.ArtifactOrigin;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Fetches what a digest names from an {@link ArtifactSource} (a registry or an image layout) and turns it into a
 * package: an index is narrowed to this machine's platform, the manifest's format decides how its blobs are read
 * ({@link ArtifactFormat}), and for ebpm's own artifact the signatures attached as referrers are fetched too. Every
 * object is verified against its digest and kept in the content-addressed cache, so the store can keep them all.
 */
public final class ArtifactFetcher {
    /** Largest signature envelope read from a referrer. */
    private static final long MAX_SIGNATURE = 64 * 1024;
    private final BlobDirectory cache;

    /** @param cache where manifests are kept beside the blobs (the download cache) */
    public ArtifactFetcher(BlobDirectory cache) {
        this.cache = cache;
    }

    /** @param hub the hub name to report, or null for a reference named directly */
    public FetchedPackage fetch(ArtifactSource src, ArtifactReference ref, String digest, String hub) {
        String where = ref.tag() != null ? ref.name() + ":" + ref.tag() : ref.name() + "@" + digest;
        DistributionClient.Fetched top = src.manifest(digest)
                .orElseThrow(() -> new RegistryException(src.describe() + " has no manifest " + digest + " (" + where + ")"));
        List<ArtifactObject> objects = new ArrayList<>();
        DistributionClient.Fetched fetched = top;
        OciDocument doc = top.document(where);
        if (doc instanceof OciDocument.Index index) {
            objects.add(keep(top, ArtifactObject.INDEX));
            Descriptor chosen = choose(index, where);
            fetched = src.manifest(chosen.digest()).orElseThrow(() -> new RegistryException(where + ": its index names " + chosen.digest()
                    + ", which " + src.describe() + " does not have"));
            doc = OciDocument.parse(fetched.bytes(), fetched.mediaType() != null ? fetched.mediaType() : chosen.mediaType(), where + " (" + chosen.platform() + ")");
            if (!(doc instanceof OciDocument.Manifest)) throw new RegistryException(where + ": an index inside an index is not read");
        }
        OciDocument.Manifest m = (OciDocument.Manifest) doc;
        objects.add(keep(fetched, ArtifactObject.MANIFEST));
        ArtifactFormat format = ArtifactFormat.of(m, where);
        Function<Descriptor, Path> blobs = d -> {
            Path p = src.blob(d);
            objects.add(new ArtifactObject(d.digest(), d.mediaType(), d.size(), ArtifactObject.BLOB, p));
            return p;
        };
        ArtifactFormat.Decoded decoded = format.decode(m, ref, digest, blobs, where);
        List<String> signatures = new ArrayList<>();
        if (format.signable()) {
            blobs.apply(m.config());
            for (Descriptor r : src.referrers(fetched.digest(), MediaTypes.EBPM_SIGNATURE)) {
                String s = signature(src, r, fetched.digest(), objects, where);
                if (s != null) signatures.add(s);
            }
        }
        ArtifactOrigin origin = new ArtifactOrigin(ref, digest, format.label(), format.signable(), dedupe(objects), signatures, decoded.notes());
        return new FetchedPackage(hub, decoded.pkg(), digest.substring(7), decoded.archive(), signatures.isEmpty() ? null : signatures.get(0), origin);
    }

    /** One signature referrer: its manifest, its config and its one layer, the envelope; null if it is some other referrer. */
    private String signature(ArtifactSource src, Descriptor r, String subject, List<ArtifactObject> objects, String where) {
        DistributionClient.Fetched f = src.manifest(r.digest())
                .orElseThrow(() -> new RegistryException(where + ": its referrer " + r.digest() + " is missing"));
        OciDocument doc = OciDocument.parse(f.bytes(), f.mediaType() != null ? f.mediaType() : r.mediaType(), where + " signature " + r.digest());
        if (!(doc instanceof OciDocument.Manifest sm) || !MediaTypes.EBPM_SIGNATURE.equals(sm.effectiveArtifactType())
                || sm.subject() == null || !sm.subject().digest().equals(subject)) {
            return null;
        }
        Descriptor layer = sm.layers().stream().filter(l -> MediaTypes.EBPM_SIGNATURE.equals(l.mediaType())).findFirst()
                .orElseThrow(() -> new RegistryException(where + ": signature referrer " + r.digest() + " has no " + MediaTypes.EBPM_SIGNATURE + " layer"));
        if (layer.size() > MAX_SIGNATURE) throw new RegistryException(where + ": signature referrer " + r.digest() + " is too large");
        objects.add(keep(f, ArtifactObject.REFERRER));
        Path config = src.blob(sm.config());
        objects.add(new ArtifactObject(sm.config().digest(), sm.config().mediaType(), sm.config().size(), ArtifactObject.BLOB, config));
        Path sig = src.blob(layer);
        objects.add(new ArtifactObject(layer.digest(), layer.mediaType(), layer.size(), ArtifactObject.BLOB, sig));
        try {
            return Files.readString(sig, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RegistryException("cannot read " + sig + ": " + e.getMessage());
        }
    }

    /** This machine's entry of a multi-arch index (an index without platforms must have exactly one entry). */
    static Descriptor choose(OciDocument.Index index, String where) {
        Platform host = Platform.host();
        List<Descriptor> all = index.manifests().stream().filter(d -> MediaTypes.isManifest(d.mediaType())).toList();
        for (Descriptor d : all) if (d.platform() != null && d.platform().runsOn(host)) return d;
        if (all.size() == 1 && all.get(0).platform() == null) return all.get(0);
        List<String> has = all.stream().map(d -> d.platform() == null ? "unknown platform" : d.platform().toString()).toList();
        throw new RegistryException(where + " has no image for " + host + " (it has: " + (has.isEmpty() ? "nothing" : String.join(", ", has)) + ")");
    }

    private ArtifactObject keep(DistributionClient.Fetched f, String role) {
        try {
            cache.put(f.digest().substring(7), f.bytes());
        } catch (IOException e) {
            throw new RegistryException("cannot write the download cache: " + e.getMessage());
        }
        String type = f.mediaType();
        if (type == null || !(MediaTypes.isManifest(type) || MediaTypes.isIndex(type))) {
            type = role.equals(ArtifactObject.INDEX) ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        return new ArtifactObject(f.digest(), type, f.bytes().length, role, cache.path(f.digest().substring(7)));
    }

    private static List<ArtifactObject> dedupe(List<ArtifactObject> objects) {
        java.util.Map<String, ArtifactObject> m = new java.util.LinkedHashMap<>();
        for (ArtifactObject o : objects) m.putIfAbsent(o.digest(), o);
        return List.copyOf(m.values());
    }
}
