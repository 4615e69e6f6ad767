package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.TarReader;
import dev.ebpm.pkg.TarWriter;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.RegistryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OCI image layout in an uncompressed tar, the shape {@code ig image export} and {@code skopeo copy oci-archive:}
 * use: {@code oci-layout}, {@code index.json} (each entry named by {@code org.opencontainers.image.ref.name}) and
 * {@code blobs/sha256/HEX}. Reading verifies every blob against its name into a {@link BlobDirectory}; the layout then
 * serves as an {@link ArtifactSource} with no network: referrers are the manifests in it whose subject is asked for.
 */
public final class ImageLayout implements ArtifactSource {
    public static final String LAYOUT_FILE = "oci-layout";
    public static final String INDEX_FILE = "index.json";
    private static final byte[] LAYOUT_VERSION = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final Pattern BLOB = Pattern.compile("(?:\\./)?blobs/sha256/([0-9a-f]{64})");

    private final String name;
    private final BlobDirectory blobs;
    private final List<Descriptor> entries;

    private ImageLayout(String name, BlobDirectory blobs, List<Descriptor> entries) {
        this.name = name;
        this.blobs = blobs;
        this.entries = List.copyOf(entries);
    }

    /** A manifest to name in {@code index.json}: its descriptor and its ref name ({@code registry/repo:tag}). */
    public record Named(Descriptor manifest, String refName) {}

    /** index.json's entries, each with its ref name annotation when it has one. */
    public List<Descriptor> entries() {
        return entries;
    }

    /**
     * Reads a layout tar: every {@code blobs/sha256/HEX} entry is hashed while it is copied into {@code blobs} and refused
     * unless it hashes to its name; {@code oci-layout} must be version 1.0.0; {@code index.json} lists what is in it.
     */
    public static ImageLayout read(Path tar, BlobDirectory blobs, long maxBlob) {
        String where = tar.getFileName().toString();
        byte[] indexJson = null;
        boolean layout = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            TarReader r = new TarReader(in);
            for (TarReader.Header h = r.next(); h != null; h = r.next()) {
                String n = h.name().startsWith("./") ? h.name().substring(2) : h.name();
                if (!h.isFile()) {
                    r.skipData(n, h.type() == '5' ? 0 : h.size());
                    continue;
                }
                var m = BLOB.matcher(n);
                if (n.equals(LAYOUT_FILE)) {
                    JsonNode v = OciDocument.JSON.readTree(r.readData(n, Math.min(h.size(), 4096)));
                    if (!"1.0.0".equals(v.path("imageLayoutVersion").asText())) {
                        throw new RegistryException(where + ": oci-layout version " + v.path("imageLayoutVersion") + " (1.0.0 is read)");
                    }
                    layout = true;
                } else if (n.equals(INDEX_FILE)) {
                    if (h.size() > OciDocument.MAX_BYTES) throw new RegistryException(where + ": index.json is too large");
                    indexJson = r.readData(n, h.size());
                } else if (m.matches()) {
                    if (h.size() > maxBlob) throw new RegistryException(where + ": blob " + m.group(1) + " is " + h.size() + " bytes, over the limit of " + maxBlob);
                    store(r, n, h.size(), m.group(1), blobs, where);
                } else {
                    r.skipData(n, h.size());
                }
            }
        } catch (InvalidPackageException e) {
            throw new RegistryException(where + ": not a readable tar (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new RegistryException("cannot read " + tar + ": " + e.getMessage());
        }
        if (!layout) throw new RegistryException(where + " is not an OCI image layout (no oci-layout file)");
        if (indexJson == null) throw new RegistryException(where + " is not an OCI image layout (no index.json)");
        OciDocument doc = OciDocument.parse(indexJson, MediaTypes.OCI_INDEX, where + ": index.json");
        if (!(doc instanceof OciDocument.Index index)) throw new RegistryException(where + ": index.json is not an image index");
        return new ImageLayout(where, blobs, index.manifests());
    }

    private static void store(TarReader r, String entry, long size, String hex, BlobDirectory blobs, String where) throws IOException {
        Path tmp = blobs.newTempFile();
        try {
            String actual;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                var digesting = new java.security.DigestOutputStream(out, sha256());
                r.copyData(entry, size, digesting);
                actual = java.util.HexFormat.of().formatHex(digesting.getMessageDigest().digest());
            }
            if (!actual.equals(hex)) throw new RegistryException(where + ": " + entry + " does not hash to its name (it is sha256:" + actual + ")");
            blobs.commit(tmp, hex);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return name;
    }

    /** A digest, a full ref name, or the tag part of one ({@code :TAG}). */
    @Override
    public Optional<DistributionClient.Fetched> manifest(String reference) {
        Descriptor d = null;
        if (reference.startsWith("sha256:")) {
            d = entries.stream().filter(e -> e.digest().equals(reference)).findFirst().orElse(null);
            // a manifest an index lists: its own mediaType field says what it is
            if (d == null) return blobs.contains(reference.substring(7))
                    ? Optional.of(new DistributionClient.Fetched(read(reference.substring(7)), null, reference)) : Optional.empty();
        } else {
            for (Descriptor e : entries) {
                String ref = e.annotation(MediaTypes.REF_NAME);
                if (ref != null && (ref.equals(reference) || ref.endsWith(":" + reference) && !reference.contains("/"))) {
                    d = e;
                    break;
                }
            }
        }
        if (d == null) return Optional.empty();
        byte[] bytes = read(d.hex());
        return Optional.of(new DistributionClient.Fetched(bytes, d.mediaType(), d.digest()));
    }

    @Override
    public Path blob(Descriptor d) {
        return blobs.find(d.hex()).orElseThrow(() -> new RegistryException(name + " has no blob " + d.digest() + " (an incomplete layout)"));
    }

    /** Every manifest in the layout (named, or listed by a named index) whose subject is {@code subjectDigest}. */
    @Override
    public List<Descriptor> referrers(String subjectDigest, String artifactType) {
        Map<String, Descriptor> found = new LinkedHashMap<>();
        List<Descriptor> todo = new ArrayList<>(entries);
        for (int i = 0; i < todo.size() && i < 10_000; i++) {
            Descriptor d = todo.get(i);
            if (!blobs.contains(d.hex())) continue;
            OciDocument doc = OciDocument.parse(read(d.hex()), d.mediaType(), name + " " + d.digest());
            if (doc instanceof OciDocument.Index idx) todo.addAll(idx.manifests());
            if (doc.subject() != null && doc.subject().digest().equals(subjectDigest)) {
                String type = doc instanceof OciDocument.Manifest m ? m.effectiveArtifactType() : doc.artifactType();
                if (artifactType == null || artifactType.equals(type)) found.put(d.digest(), d.withArtifactType(type));
            }
        }
        return List.copyOf(found.values());
    }

    private byte[] read(String hex) {
        try {
            return blobs.read(hex).orElseThrow(() -> new RegistryException(name + " has no blob sha256:" + hex + " (an incomplete layout)"));
        } catch (IOException e) {
            throw new RegistryException("cannot read blob sha256:" + hex + " of " + name + ": " + e.getMessage());
        }
    }

    /**
     * Writes a layout tar to {@code out}: {@code oci-layout}, each object once under {@code blobs/sha256/}, then
     * {@code index.json} naming {@code named}. The objects' files were verified when they were stored.
     */
    public static void write(OutputStream out, List<Named> named, List<ArtifactObject> objects) throws IOException {
        TarWriter tar = new TarWriter(out);
        tar.file(LAYOUT_FILE, LAYOUT_VERSION);
        tar.directory("blobs");
        tar.directory("blobs/sha256");
        java.util.Set<String> written = new java.util.HashSet<>();
        for (ArtifactObject o : objects) {
            if (!written.add(o.digest())) continue;
            long size = Files.size(o.file());
            try (InputStream in = Files.newInputStream(o.file())) {
                tar.file("blobs/sha256/" + o.digest().substring(7), size, in);
            }
        }
        List<Descriptor> manifests = new ArrayList<>();
        for (Named n : named) {
            Map<String, String> ann = new LinkedHashMap<>(n.manifest().annotations());
            ann.put(MediaTypes.REF_NAME, n.refName());
            manifests.add(new Descriptor(n.manifest().mediaType(), n.manifest().digest(), n.manifest().size(), n.manifest().artifactType(), null, ann));
        }
        tar.file(INDEX_FILE, new OciDocument.Index(MediaTypes.OCI_INDEX, null, manifests, null, null).toJson());
        tar.finish();
    }

}
