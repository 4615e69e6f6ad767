package dev.ebpm.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.JsonLimits;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code ebpm.lock}: for each package, the exact version, archive digest and hub an install used; for each OCI
 * reference installed by tag, the digest the tag named ({@code "oci"}: a tag may move, the pin does not). With
 * {@code --locked} nothing outside it may be installed and what is in it is fetched exactly (yanked or not); a tag that
 * moved is refused. Offline, a pinned reference runs from the store.
 */
public final class Lockfile {
    public static final String FILE_NAME = "ebpm.lock";
    /** A lockfile nests three levels deep; a million values is a thousand times more packages than anyone locks. */
    private static final JsonLimits LIMITS = new JsonLimits(16, 1_000_000, 1 << 16);
    private static final ObjectMapper JSON = LIMITS.mapper().build();

    /** One pinned package. {@code sha256} is the archive's (the entry file's for static and directory hubs). */
    public record Entry(PackageName name, Version version, String sha256, String hub) {}

    /** An OCI reference by tag ({@code registry/repository:tag}) and the digest it named when installed. */
    public record Pin(String reference, String digest, PackageName name, Version version) {}

    private final Path file;
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private final TreeMap<String, Pin> pins = new TreeMap<>();

    private Lockfile(Path file) {
        this.file = file;
    }

    /** {@code ./ebpm.lock} if the current directory has one, else {@code <store>/ebpm.lock}. */
    public static Path defaultLocation(Path storeRoot) {
        Path here = Path.of(FILE_NAME).toAbsolutePath();
        return Files.isRegularFile(here) ? here : storeRoot.resolve(FILE_NAME);
    }

    public static Lockfile load(Path file) {
        Lockfile l = new Lockfile(file);
        if (!Files.isRegularFile(file)) return l;
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.path("version").asInt() != 1) throw new RegistryException(file + ": unsupported lockfile version " + root.path("version"));
            for (JsonNode e : root.path("packages")) {
                String sha = e.path("sha256").asText();
                if (!Digests.isSha256Hex(sha)) throw new RegistryException(file + ": bad sha256 for " + e.path("name").asText());
                Entry en = new Entry(PackageName.parse(e.path("name").asText()), Version.parse(e.path("version").asText()), sha, e.path("hub").asText());
                l.entries.put(en.name().value(), en);
            }
            for (JsonNode p : root.path("oci")) {
                String digest = p.path("digest").asText();
                if (!digest.startsWith("sha256:") || !Digests.isSha256Hex(digest.substring(7))) {
                    throw new RegistryException(file + ": bad digest for " + p.path("reference").asText());
                }
                Pin pin = new Pin(p.path("reference").asText(), digest, PackageName.parse(p.path("name").asText()), Version.parse(p.path("version").asText()));
                l.pins.put(pin.reference(), pin);
            }
            return l;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryException(file + ": not valid JSON: " + LIMITS.describe(e));
        } catch (IOException e) {
            throw new RegistryException(file + ": cannot read: " + e.getMessage());
        } catch (dev.ebpm.pkg.InvalidPackageException e) {
            throw new RegistryException(file + ": " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    public Optional<Entry> find(PackageName name) {
        return Optional.ofNullable(entries.get(name.value()));
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    public void put(Entry e) {
        entries.put(e.name().value(), e);
    }

    /** The digest {@code reference} ({@code registry/repository:tag}) was pinned to, if it was. */
    public Optional<Pin> pin(String reference) {
        return Optional.ofNullable(pins.get(reference));
    }

    public Collection<Pin> pins() {
        return pins.values();
    }

    public void put(Pin p) {
        pins.put(p.reference(), p);
    }

    public void save() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode arr = root.putArray("packages");
        for (Entry e : entries.values()) {
            arr.addObject().put("name", e.name().value()).put("version", e.version().toString()).put("sha256", e.sha256()).put("hub", e.hub());
        }
        if (!pins.isEmpty()) {
            ArrayNode oci = root.putArray("oci");
            for (Pin p : pins.values()) {
                oci.addObject().put("reference", p.reference()).put("digest", p.digest()).put("name", p.name().value()).put("version", p.version().toString());
            }
        }
        try {
            dev.ebpm.pkg.AtomicFiles.replace(file, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
