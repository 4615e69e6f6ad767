package dev.ebpm.cli.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ebpm env` prints the directories the environment chooses, opens nothing, and knows every variable the code reads. */
class EnvCommandTest {
    private static final Path ROOT = CliProcess.repoRoot();

    @Test
    void printsTheDirectoriesAndVariablesInEffectWithoutMakingAStore(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        Map<String, String> env = Map.of("EBPM_HOME", store.toString(), "EBPM_KEYS", tmp.resolve("keys").toString(), "EBPM_OFFLINE", "1");
        CliProcess.Result r = CliProcess.run(env, Duration.ofMinutes(1), "env", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        Map<String, String> dirs = new HashMap<>();
        json.get("directories").forEach(d -> dirs.put(d.get("directory").asText(), d.get("path").asText()));
        assertEquals(store.toString(), dirs.get("store"));
        assertEquals(tmp.resolve("keys").toString(), dirs.get("keys"));
        assertEquals(store.resolve("runs").toString(), dirs.get("runs"));
        assertEquals(store.resolve("runs/daemon.sock").toString(), dirs.get("daemon"));
        // the test JVM's -Debpm.config.dir/-Debpm.cache.dir reach the child as the launcher's would
        assertEquals(Path.of(System.getProperty("ebpm.config.dir")).toAbsolutePath().toString(), dirs.get("config"));
        assertEquals(Path.of(System.getProperty("ebpm.cache.dir")).toAbsolutePath().toString(), dirs.get("cache"));
        Map<String, JsonNode> vars = new HashMap<>();
        json.get("variables").forEach(v -> vars.put(v.get("variable").asText(), v));
        assertEquals("1", vars.get("EBPM_OFFLINE").get("value").asText());
        assertTrue(vars.get("EBPM_DEBUG").get("value").isNull(), "unset is null");
        assertTrue(vars.get("EBPM_HOME").get("meaning").asText().contains("store"));
        assertTrue(Files.notExists(store), "env opens no store");

        r = CliProcess.run(env, Duration.ofMinutes(1), "env");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("store +" + Pattern.quote(store.toString()) + " +the database.*")), r.stdout());
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("EBPM_DEBUG +\\(unset\\) +1: print the stack trace.*")), r.stdout());
    }

    /** Every EBPM_* variable read by Java code or a script, every ebpm.* property: what ebpm env and the docs list. */
    @Test
    void everyVariableTheCodeReadsIsListedAndDocumented() throws IOException {
        Set<String> inJava = new TreeSet<>();
        Set<String> inScripts = new TreeSet<>();
        Set<String> properties = new TreeSet<>();
        Pattern javaVariable = Pattern.compile("\"(EBPM_[A-Z0-9_]+)\"");
        Pattern scriptVariable = Pattern.compile("\\$\\{?(EBPM_[A-Z0-9_]+)");
        Pattern property = Pattern.compile("getProperty\\(\"(ebpm\\.[a-z.]+)\"");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String rel = ROOT.relativize(f).toString();
                if (rel.contains("/target/") || rel.startsWith("build/") || rel.startsWith(".git") || rel.contains("/src/test/")) continue;
                if (rel.endsWith(".java") && rel.contains("/src/main/")) {
                    String code = Files.readString(f);
                    find(javaVariable, code, inJava);
                    find(property, code, properties);
                } else if (rel.endsWith(".sh") || rel.equals("ebpm")) {
                    find(scriptVariable, Files.readString(f), inScripts);
                }
            }
        }
        assertTrue(inJava.containsAll(List.of("EBPM_HOME", "EBPM_OFFLINE", "EBPM_HTTP_DEADLINE")), "read the sources: " + inJava);
        Set<String> listed = EnvironmentVariables.ALL.stream().map(EnvironmentVariables.Variable::name).collect(Collectors.toSet());
        assertEquals(Set.of(), difference(inJava, listed), "read by ebpm but not in EnvironmentVariables (ebpm env)");
        String doc = Files.readString(ROOT.resolve("docs/environment.md"));
        Set<String> all = new TreeSet<>(listed);
        all.addAll(inScripts);
        all.addAll(properties);
        assertEquals(Set.of(), all.stream().filter(v -> !doc.contains("`" + v + "`")).collect(Collectors.toSet()), "not in docs/environment.md");
    }

    private static void find(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) into.add(m.group(1));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
