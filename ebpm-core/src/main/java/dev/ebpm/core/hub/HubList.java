package dev.ebpm.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.BuiltinKeys;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.hubs.DirectoryHub;
import dev.ebpm.registry.hubs.StaticHttpHub;
import dev.ebpm.store.LocalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configured hubs, kept in one place: the store's config table (key {@value #CONFIG_KEY}), beside the keys trusted
 * for each hub, so a hub and its keys change in the same store. Two built-ins come first and last unless removed: the
 * embedded examples ({@value #EXAMPLES}, a directory, priority 0, when the installation has them) and the public
 * eunomia hub ({@value #EUNOMIA}, static, priority 100, overridable with {@code EUNOMIA_REPOSITORY}). Lower priority
 * numbers are tried first. Reading never creates a store.
 */
public final class HubList {
    public static final String EXAMPLES = BuiltinKeys.EXAMPLES_HUB;
    public static final String EUNOMIA = "eunomia";
    public static final String EUNOMIA_DEFAULT_URL = "https://eunomia-bpf.github.io/eunomia-bpf/";
    public static final int DEFAULT_PRIORITY = 50;
    static final String CONFIG_KEY = "hubs";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hub names appear in HUB/NAME specs, so no '.' or ':' (those name registries) and no '/'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    private final Session session;
    private final List<HubDefinition> added = new ArrayList<>();
    private final Set<String> removedBuiltIns = new TreeSet<>();

    private HubList(Session session) {
        this.session = session;
    }

    public static HubList load(Session session) {
        HubList list = new HubList(session);
        Optional<String> doc = session.existingStore().flatMap(s -> s.config().get(CONFIG_KEY));
        if (doc.isEmpty() || doc.get().isBlank()) return list;
        try {
            JsonNode root = JSON.readTree(doc.get());
            for (JsonNode h : root.path("hubs")) {
                list.added.add(new HubDefinition(h.path("name").asText(), h.path("url").asText(), h.path("type").asText("index"),
                        h.path("priority").asInt(DEFAULT_PRIORITY), false, h.path("allow_unsigned").asBoolean(false)));
            }
            for (JsonNode r : root.path("removed_builtin")) list.removedBuiltIns.add(r.asText());
            return list;
        } catch (IOException e) {
            throw new RegistryException("hub configuration in " + session.storeRoot().resolve(LocalStore.DATABASE) + " (config "
                    + CONFIG_KEY + ") is not valid JSON: " + e.getMessage());
        }
    }

    /** All hubs, built-ins included, in the order they are tried. */
    public List<HubDefinition> hubs() {
        List<HubDefinition> all = new ArrayList<>();
        Optional<java.nio.file.Path> examples = session.settings().examplesDir();
        if (examples.isPresent() && !removedBuiltIns.contains(EXAMPLES)) {
            all.add(new HubDefinition(EXAMPLES, examples.get().toString(), DirectoryHub.TYPE, 0, true, false));
        }
        if (!removedBuiltIns.contains(EUNOMIA)) {
            String env = System.getenv("EUNOMIA_REPOSITORY");
            all.add(new HubDefinition(EUNOMIA, env == null || env.isBlank() ? EUNOMIA_DEFAULT_URL : env, StaticHttpHub.TYPE, 100, true, false));
        }
        for (HubDefinition d : added) {
            all.removeIf(b -> b.name().equals(d.name()));
            all.add(d);
        }
        all.sort(Comparator.comparingInt(HubDefinition::priority));
        return all;
    }

    public Optional<HubDefinition> find(String name) {
        return hubs().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Hub names are spelled in qualified package names (HUB/NAME) and cache file names: keep them plain. */
    public static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new RegistryException("invalid hub name \"" + name + "\": letters, digits, '_' and '-', at most 32");
        }
    }

    public void add(HubDefinition d) {
        checkName(d.name());
        if (added.stream().anyMatch(x -> x.name().equals(d.name()))) throw new RegistryException("hub " + d.name() + " already exists; remove it first");
        added.add(new HubDefinition(d.name(), d.location(), d.type(), d.priority(), false, d.allowUnsigned()));
        removedBuiltIns.remove(d.name());
        save();
    }

    public void remove(String name) {
        boolean was = added.removeIf(d -> d.name().equals(name));
        if (!was && (name.equals(EXAMPLES) || name.equals(EUNOMIA))) was = removedBuiltIns.add(name);
        if (!was) throw new RegistryException("no hub named " + name);
        save();
    }

    /** True if the user set allow_unsigned on the hub named {@code name}. */
    public boolean allowsUnsigned(String name) {
        return added.stream().anyMatch(d -> d.name().equals(name) && d.allowUnsigned());
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode hubs = root.putArray("hubs");
        for (HubDefinition d : added) {
            ObjectNode h = hubs.addObject().put("name", d.name()).put("url", d.location()).put("type", d.type()).put("priority", d.priority());
            if (d.allowUnsigned()) h.put("allow_unsigned", true);
        }
        ArrayNode removed = root.putArray("removed_builtin");
        removedBuiltIns.forEach(removed::add);
        try {
            session.store().config().set(CONFIG_KEY, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
