package dev.ebpm.metrics.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads eunomia-exporter configs as eunomia-exporter wrote them: YAML, or JSON for a file ending in {@code .json} (and
 * for a program object posted to the exporter). Every error is one line naming the file and line: a syntax error, a
 * key eunomia-exporter does not have, a missing or mistyped value, a name Prometheus would refuse.
 */
public final class ConfigReader {
    private static final long MAX_CONFIG = 16L << 20;
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String origin;
    private final Path baseDir;

    private ConfigReader(String origin, Path baseDir) {
        this.origin = origin;
        this.baseDir = baseDir;
    }

    /** Reads a config file; {@code compiled_ebpf_filename} is resolved against its directory. */
    public static ExporterConfig read(Path file) {
        return read(text(file), file.toString(), file.toAbsolutePath().getParent());
    }

    /** A config file's text, at most 16 MiB (what a detached run carries to the daemon). */
    public static String text(Path file) {
        try {
            if (Files.size(file) > MAX_CONFIG) throw new MetricsConfigException(file + ": a metrics config is at most 16 MiB");
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MetricsConfigException("cannot read metrics config " + file + ": " + e.getMessage());
        }
    }

    /**
     * Reads a config's text: YAML, or JSON when {@code origin} ends in {@code .json}.
     *
     * @param origin  where the text came from, for messages ("config.yaml")
     * @param baseDir what {@code compiled_ebpf_filename} is resolved against; null leaves it as written
     */
    public static ExporterConfig read(String text, String origin, Path baseDir) {
        if (text.length() > MAX_CONFIG) throw new MetricsConfigException(origin + ": a metrics config is at most 16 MiB");
        ConfigReader r = new ConfigReader(origin, baseDir);
        Node root = r.parse(text, origin.endsWith(".json"));
        MappingNode top = r.mapping(root, "the config");
        Map<String, Node> keys = r.keys(top, Set.of("programs"), "the config");
        Node programs = keys.get("programs");
        if (programs == null) throw r.error(top, "the config has no 'programs' list");
        List<ExporterConfig.Program> out = new ArrayList<>();
        for (Node p : r.sequence(programs, "'programs'")) out.add(r.program(p));
        return new ExporterConfig(origin, out);
    }

    /** One program object, as {@code POST /start} takes it (JSON); relative files are resolved against {@code baseDir}. */
    public static ExporterConfig.Program readProgram(String json, String origin, Path baseDir) {
        ConfigReader r = new ConfigReader(origin, baseDir);
        return r.program(r.parse(json, true));
    }

    private Node parse(String text, boolean json) {
        if (json) {
            try {
                new ObjectMapper().readTree(text); // JSON's own syntax errors, not YAML's reading of them
            } catch (JsonProcessingException e) {
                throw new MetricsConfigException(origin + ":" + e.getLocation().getLineNr() + ": not valid JSON: " + e.getOriginalMessage());
            }
        }
        try {
            Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new java.io.StringReader(text));
            if (root == null) throw new MetricsConfigException(origin + " is empty");
            return root;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new MetricsConfigException(origin + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new MetricsConfigException(origin + ": not valid YAML: " + e.getMessage().strip().replace('\n', ' '));
        }
    }

    private ExporterConfig.Program program(Node node) {
        MappingNode m = mapping(node, "a program");
        Map<String, Node> k = keys(m, Set.of("name", "metrics", "compiled_ebpf_filename", "ebpf_data", "package"), "a program");
        String name = string(k.get("name"), m, "a program's 'name'");
        List<ExporterConfig.Counter> counters = new ArrayList<>();
        Node metrics = k.get("metrics");
        if (metrics != null) {
            Map<String, Node> mk = keys(mapping(metrics, "'metrics'"), Set.of("counters"), "'metrics' of program " + name);
            if (mk.get("counters") != null) {
                Set<String> seen = new HashSet<>();
                for (Node c : sequence(mk.get("counters"), "'counters'")) {
                    ExporterConfig.Counter counter = counter(c);
                    if (!seen.add(counter.name())) throw error(c, "counter '" + counter.name() + "' is declared twice");
                    counters.add(counter);
                }
            }
        }
        int sources = (k.containsKey("compiled_ebpf_filename") ? 1 : 0) + (k.containsKey("ebpf_data") ? 1 : 0) + (k.containsKey("package") ? 1 : 0);
        if (sources > 1) throw error(m, "program '" + name + "' names its package more than once (compiled_ebpf_filename, ebpf_data, package: take one)");
        ExporterConfig.Source source;
        if (k.containsKey("compiled_ebpf_filename")) {
            Path p = Path.of(string(k.get("compiled_ebpf_filename"), m, "'compiled_ebpf_filename'"));
            source = new ExporterConfig.Source.File(baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize());
        } else if (k.containsKey("ebpf_data")) {
            source = new ExporterConfig.Source.Inline(string(k.get("ebpf_data"), m, "'ebpf_data'"));
        } else {
            source = new ExporterConfig.Source.Spec(k.containsKey("package") ? string(k.get("package"), m, "'package'") : name);
        }
        return new ExporterConfig.Program(name, source, counters, where(m));
    }

    private ExporterConfig.Counter counter(Node node) {
        MappingNode m = mapping(node, "a counter");
        Map<String, Node> k = keys(m, Set.of("name", "description", "labels"), "a counter");
        String name = string(k.get("name"), m, "a counter's 'name'");
        if (!METRIC_NAME.matcher(name).matches()) throw error(k.get("name"), "'" + name + "' is not a valid metric name (letters, digits, _ and :, not starting with a digit)");
        String description = k.containsKey("description") ? string(k.get("description"), m, "'description'") : "";
        List<ExporterConfig.Label> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (k.get("labels") != null) {
            for (Node l : sequence(k.get("labels"), "'labels'")) {
                MappingNode lm = mapping(l, "a label");
                Map<String, Node> lk = keys(lm, Set.of("name", "from"), "a label");
                String label = string(lk.get("name"), lm, "a label's 'name'");
                if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                    throw error(lk.get("name"), "'" + label + "' is not a valid label name (letters, digits and _, not starting with a digit or __)");
                }
                if (!seen.add(label)) throw error(lm, "label '" + label + "' appears twice in counter '" + name + "'");
                String field = lk.containsKey("from") ? string(lk.get("from"), lm, "'from'") : label;
                labels.add(new ExporterConfig.Label(label, field, where(lm)));
            }
        }
        return new ExporterConfig.Counter(name, description, labels, where(m));
    }

    private Map<String, Node> keys(MappingNode m, Set<String> allowed, String what) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null || !allowed.contains(key)) {
                throw error(t.getKeyNode(), (key == null ? "a key that is not text" : "unknown key '" + key + "'") + " in " + what
                        + " (expected: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) throw error(t.getKeyNode(), "key '" + key + "' appears twice in " + what);
        }
        return out;
    }

    private MappingNode mapping(Node n, String what) {
        if (n instanceof MappingNode m) return m;
        throw error(n, what + " should be a mapping (key: value lines, or a JSON object)");
    }

    private List<Node> sequence(Node n, String what) {
        if (n instanceof SequenceNode s) return s.getValue();
        throw error(n, what + " should be a list");
    }

    private String string(Node n, Node parent, String what) {
        if (n == null) throw error(parent, what + " is missing");
        if (n instanceof ScalarNode s && !s.getValue().isEmpty()) return s.getValue();
        throw error(n, what + " should be a non-empty string");
    }

    private String where(Node n) {
        return origin + ":" + (n.getStartMark().getLine() + 1);
    }

    private MetricsConfigException error(Node n, String message) {
        return new MetricsConfigException(where(n) + ": " + message);
    }
}
