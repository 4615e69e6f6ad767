package dev.ebpm.metrics.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eunomia-exporter configs read as eunomia-exporter wrote them, and every mistake reported on one line with its place. */
class ConfigReaderTest {
    /** The config of eunomia-exporter's README and of issue 15, byte for byte. */
    static final String EUNOMIA_README_CONFIG = """
            programs:
            - name: opensnoop
              metrics:
                counters:
                - name: eunomia_file_open_counter
                  description: test
                  labels:
                  - name: pid
                  - name: comm
                  - name: filename
                    from: fname
              compiled_ebpf_filename: package.json
            """;

    @Test
    void theEunomiaExporterConfigReadsUnchanged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, EUNOMIA_README_CONFIG);
        ExporterConfig c = ConfigReader.read(file);
        assertEquals(1, c.programs().size());
        ExporterConfig.Program p = c.programs().get(0);
        assertEquals("opensnoop", p.name());
        assertEquals(new ExporterConfig.Source.File(dir.toAbsolutePath().resolve("package.json")), p.source(), "resolved next to the YAML");
        ExporterConfig.Counter counter = p.counters().get(0);
        assertEquals("eunomia_file_open_counter", counter.name());
        assertEquals("test", counter.description());
        assertEquals(List.of("pid", "comm", "filename"), counter.labels().stream().map(ExporterConfig.Label::name).toList());
        assertEquals(List.of("pid", "comm", "fname"), counter.labels().stream().map(ExporterConfig.Label::field).toList(), "from: renames, else the label's own name");
        assertEquals(file + ":10", counter.labels().get(2).where());
    }

    @Test
    void jsonConfigsAndInlinePackagesAndPackageNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"programs": [
                  {"name": "a", "ebpf_data": "{\\"bpf_object\\": \\"...\\"}",
                   "metrics": {"counters": [{"name": "a_total", "description": "d", "labels": [{"name": "pid"}]}]}},
                  {"name": "sigsnoop"},
                  {"name": "b", "package": "myhub/opensnoop@^1"}
                ]}
                """);
        List<ExporterConfig.Program> ps = ConfigReader.read(file).programs();
        assertEquals(new ExporterConfig.Source.Inline("{\"bpf_object\": \"...\"}"), ps.get(0).source());
        assertEquals(new ExporterConfig.Source.Spec("sigsnoop"), ps.get(1).source(), "no package given: the program's name is the package");
        assertEquals(new ExporterConfig.Source.Spec("myhub/opensnoop@^1"), ps.get(2).source());
        assertEquals("pid", ps.get(0).counters().get(0).labels().get(0).field());
    }

    @Test
    void aPostedProgramObjectIsJson() {
        ExporterConfig.Program p = ConfigReader.readProgram("{\"name\":\"x\",\"compiled_ebpf_filename\":\"p/package.json\"}", "request body", Path.of("/srv"));
        assertEquals(new ExporterConfig.Source.File(Path.of("/srv/p/package.json")), p.source());
        MetricsConfigException e = assertThrows(MetricsConfigException.class, () -> ConfigReader.readProgram("{\"name\": \"x\",\n \"metrics\": [}", "request body", Path.of("/")));
        assertTrue(e.getMessage().startsWith("request body:2: not valid JSON: "), e.getMessage());
    }

    @Test
    void mistakesNameTheirLine(@TempDir Path dir) throws Exception {
        assertError(dir, "programs:\n- name: a\n  metrics:\n    counters:\n    - name: c\n      lables:\n      - name: pid\n",
                ":6: unknown key 'lables' in a counter (expected: description, labels, name)");
        assertError(dir, "programs:\n- name: a\n  metrics:\n    counters:\n    - name: c\n      labels:\n      - name: pid\n     from: x\n",
                ":8: not valid YAML: ");
        assertError(dir, "programs:\n- metrics: {}\n", ":2: a program's 'name' is missing");
        assertError(dir, "programs:\n- name: a\n  metrics:\n    counters:\n    - name: 9lives\n", ":5: '9lives' is not a valid metric name");
        assertError(dir, "programs:\n- name: a\n  metrics:\n    counters:\n    - name: c\n      labels:\n      - name: pid\n      - name: pid\n",
                ":8: label 'pid' appears twice in counter 'c'");
        assertError(dir, "programs:\n- name: a\n  package: x\n  ebpf_data: y\n", ":2: program 'a' names its package more than once");
        assertError(dir, "programs: yes\n", ":1: 'programs' should be a list");
        assertError(dir, "", " is empty");
    }

    private static void assertError(Path dir, String yaml, String expected) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        MetricsConfigException e = assertThrows(MetricsConfigException.class, () -> ConfigReader.read(file), yaml);
        assertTrue(e.getMessage().startsWith(file + expected) || e.getMessage().equals(file + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }
}
