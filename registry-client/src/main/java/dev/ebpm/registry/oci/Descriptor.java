package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.RegistryException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest or index says about one object (media type, digest, size, and the optional
 * artifact type, platform and annotations). Only sha256 digests are accepted: every object ebpm keeps is named by one.
 */
public record Descriptor(String mediaType, String digest, long size, String artifactType, Platform platform, Map<String, String> annotations) {
    public Descriptor {
        if (mediaType == null || mediaType.isBlank()) throw new RegistryException("descriptor of " + digest + " has no mediaType");
        checkDigest(digest);
        if (size < 0) throw new RegistryException("descriptor of " + digest + " has a negative size");
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, "sha256:" + Digests.sha256Hex(content), content.length, null, null, null);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, artifactType, platform, a);
    }

    public Descriptor withArtifactType(String type) {
        return new Descriptor(mediaType, digest, size, type, platform, annotations);
    }

    /** The digest's hex part. */
    public String hex() {
        return digest.substring("sha256:".length());
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    /** Refuses anything but {@code sha256:} and 64 lower-case hex digits (a digest names a file: no room for tricks). */
    public static String checkDigest(String digest) {
        if (digest == null || !digest.startsWith("sha256:") || !Digests.isSha256Hex(digest.substring(7))) {
            throw new RegistryException("unsupported digest \"" + digest + "\": ebpm reads sha256 digests only");
        }
        return digest;
    }

    static Descriptor parse(JsonNode n, String where) {
        if (n == null || !n.isObject()) throw new RegistryException(where + ": a descriptor must be a JSON object");
        Map<String, String> ann = new LinkedHashMap<>();
        n.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        JsonNode p = n.get("platform");
        Platform platform = p != null && p.isObject()
                ? new Platform(p.path("os").asText(""), p.path("architecture").asText(""), p.hasNonNull("variant") ? p.get("variant").asText() : null) : null;
        if (!n.path("size").canConvertToLong()) throw new RegistryException(where + ": descriptor without a size");
        return new Descriptor(n.path("mediaType").asText(null), n.path("digest").asText(null), n.path("size").asLong(),
                n.hasNonNull("artifactType") ? n.get("artifactType").asText() : null, platform, ann);
    }

    ObjectNode toJson(ObjectNode o) {
        o.put("mediaType", mediaType);
        o.put("digest", digest);
        o.put("size", size);
        if (artifactType != null) o.put("artifactType", artifactType);
        if (platform != null) {
            ObjectNode p = o.putObject("platform");
            p.put("architecture", platform.architecture());
            p.put("os", platform.os());
            if (platform.variant() != null) p.put("variant", platform.variant());
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = o.putObject("annotations");
            annotations.forEach(a::put);
        }
        return o;
    }
}
