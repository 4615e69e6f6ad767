package dev.ebpm.registry.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest or an index as a registry serves it, parsed from its exact bytes (the bytes are what the digest covers,
 * so they are kept, never re-serialized). Written documents come out compact, fields in the Go structs' order, as the
 * tools that push them write them.
 */
public sealed interface OciDocument permits OciDocument.Manifest, OciDocument.Index {
    ObjectMapper JSON = new ObjectMapper();
    /** Manifests and indexes are small; a bigger one is refused before it is parsed. */
    long MAX_BYTES = 4L << 20;

    /** The media type: the document's own field, else the one it was served with. */
    String mediaType();

    String artifactType();

    Descriptor subject();

    Map<String, String> annotations();

    /** An image manifest: a config and layers. {@code mediaType} null when the document has no such field (ecli's). */
    record Manifest(String mediaType, String artifactType, Descriptor config, List<Descriptor> layers, Descriptor subject,
                    Map<String, String> annotations) implements OciDocument {
        public Manifest {
            layers = List.copyOf(layers);
            annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        }

        /** artifactType, else the config's media type (the OCI 1.1 rule for what an artifact is). */
        public String effectiveArtifactType() {
            return artifactType != null ? artifactType : config.mediaType();
        }

        public byte[] toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("schemaVersion", 2);
            if (mediaType != null) o.put("mediaType", mediaType);
            if (artifactType != null) o.put("artifactType", artifactType);
            config.toJson(o.putObject("config"));
            ArrayNode l = o.putArray("layers");
            for (Descriptor d : layers) d.toJson(l.addObject());
            if (subject != null) subject.toJson(o.putObject("subject"));
            putAnnotations(o, annotations);
            return bytes(o);
        }
    }

    /** An image index (or a Docker manifest list): manifests, each with its platform. */
    record Index(String mediaType, String artifactType, List<Descriptor> manifests, Descriptor subject, Map<String, String> annotations)
            implements OciDocument {
        public Index {
            manifests = List.copyOf(manifests);
            annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        }

        public byte[] toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("schemaVersion", 2);
            o.put("mediaType", mediaType == null ? MediaTypes.OCI_INDEX : mediaType);
            if (artifactType != null) o.put("artifactType", artifactType);
            ArrayNode m = o.putArray("manifests");
            for (Descriptor d : manifests) d.toJson(m.addObject());
            if (subject != null) subject.toJson(o.putObject("subject"));
            putAnnotations(o, annotations);
            return bytes(o);
        }
    }

    /**
     * Parses a manifest or index; {@code servedAs} is the Content-Type it came with (or the descriptor's media type), used
     * when the document names none. Anything else (schema 1, a config blob) is refused with {@code where} in the message.
     */
    static OciDocument parse(byte[] bytes, String servedAs, String where) {
        if (bytes.length > MAX_BYTES) throw new RegistryException(where + ": a manifest of " + bytes.length + " bytes is over the limit of " + MAX_BYTES);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(where + ": the manifest is not JSON (" + firstLine(e) + ")");
        }
        if (root == null || !root.isObject()) throw new RegistryException(where + ": the manifest is not a JSON object");
        if (root.path("schemaVersion").asInt() != 2) {
            throw new RegistryException(where + ": schemaVersion " + root.path("schemaVersion") + " (only schema 2 manifests are read)");
        }
        String own = root.hasNonNull("mediaType") ? root.get("mediaType").asText() : null;
        String type = own != null ? own : servedAs;
        String artifactType = root.hasNonNull("artifactType") ? root.get("artifactType").asText() : null;
        Descriptor subject = root.hasNonNull("subject") ? Descriptor.parse(root.get("subject"), where + " subject") : null;
        Map<String, String> ann = new LinkedHashMap<>();
        root.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        boolean isIndex = MediaTypes.isIndex(type) || (type == null && root.has("manifests") && !root.has("layers"));
        if (isIndex) {
            List<Descriptor> ms = new ArrayList<>();
            for (JsonNode m : root.path("manifests")) ms.add(Descriptor.parse(m, where + " manifests[" + ms.size() + "]"));
            return new Index(own, artifactType, ms, subject, ann);
        }
        if (!root.has("config") || !root.path("layers").isArray()) {
            throw new RegistryException(where + ": not an image manifest or index (media type " + type + ")");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : root.path("layers")) layers.add(Descriptor.parse(l, where + " layers[" + layers.size() + "]"));
        return new Manifest(own, artifactType, Descriptor.parse(root.get("config"), where + " config"), layers, subject, ann);
    }

    private static void putAnnotations(ObjectNode o, Map<String, String> annotations) {
        if (annotations.isEmpty()) return;
        ObjectNode a = o.putObject("annotations");
        annotations.forEach(a::put);
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
