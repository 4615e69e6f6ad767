package dev.ebpm.registry.hubs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.RegistryException;
import java.util.List;
import java.util.Map;

/** Parses a hub's {@code index.json} (protocol 1), or a search answer of the same shape, into {@link HubPackage}s; see docs/hub-protocol.md. */
final class IndexDocument {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_BYTES = 64L << 20;

    private IndexDocument() {
    }

    static Map<String, HubPackage> parse(byte[] json, String hub) {
        return parse(json, hub, "index");
    }

    /**
     * Parses a document with the index's shape: the index, or the search endpoint's answer.
     *
     * @param what what the document is, for messages
     */
    static Map<String, HubPackage> parse(byte[] json, String hub, String what) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) throw new RegistryException("hub " + hub + ": " + what + " is not a JSON object");
            int protocol = root.path("protocol").asInt(-1);
            if (protocol != 1) throw new RegistryException("hub " + hub + ": " + what + " protocol " + protocol + " is not supported (this ebpm speaks 1)");
            Map<String, HubPackage> out = new LinkedHashMap<>();
            for (JsonNode p : root.path("packages")) {
                HubPackage pkg = parsePackage(p);
                out.put(pkg.name().value(), pkg);
            }
            return out;
        } catch (IOException e) {
            throw new RegistryException("hub " + hub + ": " + what + " is not valid JSON: " + e.getMessage());
        } catch (InvalidPackageException | IllegalArgumentException | NullPointerException e) {
            throw new RegistryException("hub " + hub + ": invalid " + what + ": " + e.getMessage());
        }
    }

    /** A version's package signature: an object (protocol 1 with signatures) kept as JSON text, or null. */
    static String signature(JsonNode s) {
        if (s == null || s.isNull()) return null;
        if (s.isObject()) return s.toString();
        if (s.isTextual()) return s.textValue();
        throw new IllegalArgumentException("\"signature\" is neither an object nor null");
    }

    static HubPackage parsePackage(JsonNode p) {
        List<HubVersion> versions = new ArrayList<>();
        for (JsonNode v : p.path("versions")) {
            String sha = v.path("sha256").asText();
            if (!Digests.isSha256Hex(sha)) throw new IllegalArgumentException("version " + v.path("version").asText() + ": bad sha256");
            JsonNode r = v.path("requires");
            List<String> attach = new ArrayList<>();
            for (JsonNode a : r.path("attach")) attach.add(a.asText());
            PackageManifest.Requires req = new PackageManifest.Requires(r.path("btf").asBoolean(false), r.path("ringbuf").asBoolean(false),
                    attach, r.hasNonNull("min_kernel") ? r.get("min_kernel").asText() : null);
            versions.add(new HubVersion(Version.parse(v.path("version").asText()), sha, v.path("size").asLong(-1),
                    PackageKind.parse(v.path("kind").asText()), v.path("entry").asText(), req, v.path("yanked").asBoolean(false),
                    signature(v.get("signature"))));
        }
        List<String> keywords = new ArrayList<>();
        for (JsonNode k : p.path("keywords")) keywords.add(k.asText());
        return new HubPackage(PackageName.parse(p.path("name").asText()), p.hasNonNull("description") ? p.get("description").asText() : null,
                keywords, versions);
    }
}
