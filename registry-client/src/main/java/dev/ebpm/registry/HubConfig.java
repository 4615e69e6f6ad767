package dev.ebpm.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configured hubs, kept as one JSON document in a {@link Storage}: the local store's config table when the CLI
 * runs, {@code <store>/config/hubs.json} otherwise. Two built-ins come first and last unless removed: the
 * bundled examples ({@value #EXAMPLES}, a directory, priority 0) and the public eunomia hub ({@value #EUNOMIA}, static,
 * priority 100, overridable with {@code EUNOMIA_REPOSITORY}). Lower priority numbers are tried first.
 */
public final class HubConfig {
    public static final String EXAMPLES = "examples";
    public static final String EUNOMIA = "eunomia";
    public static final String EUNOMIA_DEFAULT_URL = "https://eunomia-bpf.github.io/eunomia-bpf/";
    public static final int DEFAULT_PRIORITY = 50;

    /** How a hub is reached. */
    public enum Type {
        INDEX, STATIC, DIRECTORY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type parse(String s) {
            for (Type t : values()) if (t.id().equals(s)) return t;
            throw new RegistryException("unknown hub type \"" + s + "\": expected index, static or directory");
        }
    }

    /**
     * One hub: name, URL or path, type, priority; {@code builtIn} ones are not in the file. {@code allowUnsigned}: the
     * user accepts this hub's unsigned index and unsigned packages (recorded as such), like --allow-unsigned each time.
     */
    public record HubDefinition(String name, String url, Type type, int priority, boolean builtIn, boolean allowUnsigned) {
        public HubDefinition(String name, String url, Type type, int priority, boolean builtIn) {
            this(name, url, type, priority, builtIn, false);
        }
    }

    /** Where the hubs document lives; {@link #file(Path)} or the local store's config (the CLI's choice). */
    public interface Storage {
        /** The document, or null if none was saved yet. */
        String read();

        void write(String json);

        String describe();
    }

    /** {@code <store>/config/hubs.json}. */
    public static Storage file(Path storeRoot) {
        Path file = storeRoot.resolve("config").resolve("hubs.json");
        return new Storage() {
            @Override
            public String read() {
                try {
                    return Files.isRegularFile(file) ? Files.readString(file) : null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void write(String json) {
                try {
                    dev.ebpm.pkg.AtomicFiles.replace(file, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    private final Storage storage;
    private final List<HubDefinition> added = new ArrayList<>();
    private final Set<String> removedBuiltIns = new TreeSet<>();

    private HubConfig(Storage storage) {
        this.storage = storage;
    }

    public static HubConfig load(Path storeRoot) {
        return load(file(storeRoot));
    }

    public static HubConfig load(Storage storage) {
        HubConfig c = new HubConfig(storage);
        String doc = storage.read();
        if (doc == null || doc.isBlank()) return c;
        try {
            JsonNode root = IndexDocument.JSON.readTree(doc);
            for (JsonNode h : root.path("hubs")) {
                c.added.add(new HubDefinition(h.path("name").asText(), h.path("url").asText(), Type.parse(h.path("type").asText("index")),
                        h.path("priority").asInt(DEFAULT_PRIORITY), false, h.path("allow_unsigned").asBoolean(false)));
            }
            for (JsonNode r : root.path("removed_builtin")) c.removedBuiltIns.add(r.asText());
            return c;
        } catch (IOException e) {
            throw new RegistryException("hub configuration in " + storage.describe() + ": " + e.getMessage());
        }
    }

    /** All hubs, built-ins included, in the order they are tried. */
    public List<HubDefinition> hubs(Path examplesDir) {
        List<HubDefinition> all = new ArrayList<>();
        if (examplesDir != null && !removedBuiltIns.contains(EXAMPLES)) {
            all.add(new HubDefinition(EXAMPLES, examplesDir.toString(), Type.DIRECTORY, 0, true));
        }
        if (!removedBuiltIns.contains(EUNOMIA)) {
            String env = System.getenv("EUNOMIA_REPOSITORY");
            all.add(new HubDefinition(EUNOMIA, env == null || env.isBlank() ? EUNOMIA_DEFAULT_URL : env, Type.STATIC, 100, true));
        }
        for (HubDefinition d : added) {
            all.removeIf(b -> b.name().equals(d.name()));
            all.add(d);
        }
        all.sort(Comparator.comparingInt(HubDefinition::priority));
        return all;
    }

    public void add(String name, String url, Type type, int priority) {
        add(name, url, type, priority, false);
    }

    /** Hub names are spelled in qualified package names (hub/name) and cache file names: keep them plain. */
    public static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
            throw new RegistryException("invalid hub name \"" + name + "\": letters, digits, '_', '.', '-', at most 32");
        }
    }

    public void add(String name, String url, Type type, int priority, boolean allowUnsigned) {
        checkName(name);
        if (added.stream().anyMatch(d -> d.name().equals(name))) throw new RegistryException("hub " + name + " already exists; remove it first");
        added.add(new HubDefinition(name, url, type, priority, false, allowUnsigned));
        removedBuiltIns.remove(name);
        save();
    }

    public void remove(String name) {
        boolean was = added.removeIf(d -> d.name().equals(name));
        if (!was && (name.equals(EXAMPLES) || name.equals(EUNOMIA))) {
            was = removedBuiltIns.add(name);
        }
        if (!was) throw new RegistryException("no hub named " + name);
        save();
    }

    /** True if the user set allow_unsigned on the hub named {@code name}. */
    public boolean allowsUnsigned(String name) {
        return added.stream().anyMatch(d -> d.name().equals(name) && d.allowUnsigned());
    }

    /** Guesses the type of a URL or path the user gave to {@code hub add}. */
    public static Type guessType(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) return Type.INDEX;
        return Type.DIRECTORY;
    }

    /** Asks an http(s) hub whether it has an index ({@code index.json}: an ebpm hub) or not (a static hub). */
    public static Type probe(HubHttp http, String url) {
        String base = url.endsWith("/") ? url : url + "/";
        try (okhttp3.Response r = http.get(base + "index.json", java.util.Map.of())) {
            if (r.code() == 200) return Type.INDEX;
            if (r.code() == 404 || r.code() == 403) return Type.STATIC;
            throw new RegistryException(base + "index.json answered HTTP " + r.code());
        }
    }

    private void save() {
        ObjectNode root = IndexDocument.JSON.createObjectNode();
        ArrayNode hubs = root.putArray("hubs");
        for (HubDefinition d : added) {
            ObjectNode h = hubs.addObject().put("name", d.name()).put("url", d.url()).put("type", d.type().id()).put("priority", d.priority());
            if (d.allowUnsigned()) h.put("allow_unsigned", true);
        }
        ArrayNode removed = root.putArray("removed_builtin");
        removedBuiltIns.forEach(removed::add);
        try {
            storage.write(IndexDocument.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
