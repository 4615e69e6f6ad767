package dev.ebpm.registry.oci;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the artifacts ebpm writes, as objects in the content-addressed cache ready to push or export:
 * <ul>
 *   <li>ebpm's own: an OCI 1.1 artifact ({@code artifactType} {@value MediaTypes#EBPM_PACKAGE}, empty config) whose one
 *       layer is the .ebpm archive, and, when signed, a signature artifact whose {@code subject} is that manifest and whose
 *       one layer is the signature envelope. No timestamps: the same archive always makes the same digest;</li>
 *   <li>ecli's: exactly what {@code ecli push} writes (no {@code mediaType} field, config {@code {}} of type
 *       {@value MediaTypes#WASM_CONFIG}, the module as the one layer, the title annotation naming it).</li>
 * </ul>
 */
public final class ArtifactBuilder {
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private final BlobDirectory cache;

    public ArtifactBuilder(BlobDirectory cache) {
        this.cache = cache;
    }

    /** The package's manifest ({@link ArtifactObject#MANIFEST}), its blobs, and the signature referrer and its blobs when signed. */
    public List<ArtifactObject> ebpm(Path archive, PackageManifest pm, byte[] signatureOrNull) {
        List<ArtifactObject> out = new ArrayList<>();
        Descriptor config = blob(MediaTypes.EMPTY, EMPTY_JSON, out);
        Descriptor layer = file(MediaTypes.EBPM_ARCHIVE_LAYER, archive, out)
                .withAnnotations(Map.of(MediaTypes.TITLE, pm.name() + "-" + pm.version() + ".ebpm"));
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(MediaTypes.TITLE, pm.name().value());
        ann.put(MediaTypes.VERSION, pm.version().toString());
        if (pm.description() != null) ann.put(MediaTypes.DESCRIPTION, pm.description());
        byte[] manifest = new OciDocument.Manifest(MediaTypes.OCI_MANIFEST, MediaTypes.EBPM_PACKAGE, config, List.of(layer), null, ann).toJson();
        Descriptor subject = manifest(manifest, MediaTypes.OCI_MANIFEST, ArtifactObject.MANIFEST, out);
        if (signatureOrNull != null) signature(subject, signatureOrNull, out);
        return out;
    }

    /** A signature referrer of {@code subject}: added to {@code out} ({@link ArtifactObject#REFERRER} and its blobs). */
    public void signature(Descriptor subject, byte[] envelope, List<ArtifactObject> out) {
        Descriptor config = blob(MediaTypes.EMPTY, EMPTY_JSON, out);
        Descriptor layer = blob(MediaTypes.EBPM_SIGNATURE, envelope, out);
        byte[] sig = new OciDocument.Manifest(MediaTypes.OCI_MANIFEST, MediaTypes.EBPM_SIGNATURE, config, List.of(layer),
                new Descriptor(subject.mediaType(), subject.digest(), subject.size(), null, null, null), null).toJson();
        manifest(sig, MediaTypes.OCI_MANIFEST, ArtifactObject.REFERRER, out);
    }

    /** What {@code ecli push --module FILE IMAGE} writes. */
    public List<ArtifactObject> ecli(Path module, String title) {
        List<ArtifactObject> out = new ArrayList<>();
        Descriptor config = blob(MediaTypes.WASM_CONFIG, EMPTY_JSON, out);
        Descriptor layer = file(MediaTypes.WASM_LAYER, module, out);
        byte[] manifest = new OciDocument.Manifest(null, null, config, List.of(layer), null, Map.of(MediaTypes.TITLE, title)).toJson();
        manifest(manifest, MediaTypes.OCI_MANIFEST, ArtifactObject.MANIFEST, out);
        return out;
    }

    /** A small blob (an index made for an export, say) put in the cache and added to {@code out}. */
    public Descriptor blobOf(String type, byte[] content, List<ArtifactObject> out) {
        return blob(type, content, out);
    }

    private Descriptor blob(String type, byte[] content, List<ArtifactObject> out) {
        Descriptor d = Descriptor.of(type, content);
        out.add(new ArtifactObject(d.digest(), type, d.size(), ArtifactObject.BLOB, put(content, d)));
        return d;
    }

    private Descriptor manifest(byte[] content, String type, String role, List<ArtifactObject> out) {
        Descriptor d = Descriptor.of(type, content);
        out.add(new ArtifactObject(d.digest(), type, d.size(), role, put(content, d)));
        return d;
    }

    private Descriptor file(String type, Path file, List<ArtifactObject> out) {
        try {
            Descriptor d = new Descriptor(type, "sha256:" + Digests.sha256Hex(file), Files.size(file), null, null, null);
            out.add(new ArtifactObject(d.digest(), type, d.size(), ArtifactObject.BLOB, file));
            return d;
        } catch (IOException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private Path put(byte[] content, Descriptor d) {
        try {
            cache.put(d.hex(), content);
            return cache.path(d.hex());
        } catch (IOException e) {
            throw new RegistryException("cannot write the download cache: " + e.getMessage());
        }
    }
}
