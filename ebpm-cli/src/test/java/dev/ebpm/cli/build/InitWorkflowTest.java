package dev.ebpm.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.cli.Main;
import dev.ebpm.hub.HubServer;
import dev.ebpm.hub.HubStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI workflow {@code ebpm init} writes is run here as GitHub would run it on a tag: its run steps, in order, in a
 * bash with ebpm on the PATH, against a real hub on loopback. Only the step that installs ebpm is left to CI.
 */
class InitWorkflowTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theWorkflowBuildsTestsAndPublishesTheNewPackage(boolean wasm) throws Exception {
        CliProcess.Result init = InProcess.execute(wasm ? new String[] {"init", "--wasm", "-C", tmp.toString(), "hello"}
                : new String[] {"init", "-C", tmp.toString(), "hello"});
        assertEquals(0, init.exitCode(), init.stderr());
        Path project = tmp.resolve("hello");
        JsonNode workflow = YAML.readTree(project.resolve(".github/workflows/ebpm.yml").toFile());
        assertTrue(workflow.at("/on/push/tags").toString().contains("v*"), "publishes on a v* tag: " + workflow.get("on"));
        JsonNode steps = workflow.at("/jobs/package/steps");
        assertEquals("actions/checkout@v4", steps.get(0).get("uses").asText());

        HubStore hub = HubStore.open(tmp.resolve("hub"), 1 << 20);
        HubServer server = HubServer.start(hub, new InetSocketAddress("127.0.0.1", 0), 16);
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", tools().toString() + ":" + System.getenv("PATH"));
            env.put("EBPM_HOME", tmp.resolve("store").toString());
            env.put("GITHUB_REF", "refs/tags/v0.1.0");
            env.put("GITHUB_REF_NAME", "v0.1.0");
            env.put("EBPM_HUB", "http://127.0.0.1:" + server.port());
            env.put("EBPM_TOKEN", hub.createToken("ci"));
            List<String> ran = new ArrayList<>();
            for (JsonNode step : steps) {
                if (!step.has("run")) continue;
                String name = step.get("name").asText();
                if (name.equals("Install ebpm")) {
                    assertTrue(step.get("run").asText().contains("scripts/setup.sh"), step.toString());
                    continue; // installs ebpm on the runner: here it is already on the PATH
                }
                if (step.has("if")) assertEquals("startsWith(github.ref, 'refs/tags/v')", step.get("if").asText(), name);
                Result r = bash(step.get("run").asText(), project, env);
                assertEquals(0, r.code(), "step '" + name + "' (" + step.get("run").asText().strip() + ") failed: " + r.output());
                ran.add(name);
                if (name.equals("Build")) assertTrue(Files.isRegularFile(project.resolve(wasm ? "app.wasm" : "package.json")), r.output());
                if (name.equals("Test")) assertTrue(r.output().contains("running") || r.output().contains("tracing"), r.output());
                if (name.equals("Publish")) assertTrue(r.output().contains("published hello@0.1.0 to "), r.output());
            }
            assertEquals(List.of("Build", "Test", "Check the tag against ebpm.json", "Publish"), ran);
            // a tag that does not match ebpm.json's version stops the job before publishing
            env.put("GITHUB_REF_NAME", "v9.9.9");
            JsonNode check = null;
            for (JsonNode step : steps) if (step.path("name").asText().equals("Check the tag against ebpm.json")) check = step;
            assertEquals(1, bash(check.get("run").asText(), project, env).code());
        } finally {
            server.close();
            hub.close();
        }
    }

    private record Result(int code, String output) {}

    private static Result bash(String script, Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "step did not finish: " + out);
        return new Result(p.exitValue(), out);
    }

    /** A directory with {@code ebpm} (this build, as CliProcess runs it) and, where the machine has none, a root-only {@code sudo}. */
    private Path tools() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        write(bin.resolve("ebpm"), "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' -Debpm.examples='"
                + CliProcess.repoRoot().resolve("examples") + "' -Debpm.repo='" + CliProcess.repoRoot() + "' " + Main.class.getName() + " \"$@\"\n");
        boolean hasSudo = false;
        for (String d : System.getenv("PATH").split(":")) hasSudo |= !d.isEmpty() && Files.isExecutable(Path.of(d, "sudo"));
        if (!hasSudo) {
            // this test runs as root (it loads BPF programs): sudo would run the command as it is
            write(bin.resolve("sudo"), "#!/bin/sh\n[ \"$(id -u)\" = 0 ] || { echo 'sudo shim: not root' >&2; exit 1; }\nexec \"$@\"\n");
        }
        return bin;
    }

    private static void write(Path f, String text) throws Exception {
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
