package dev.ebpm.cli.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.session.Directories;
import dev.ebpm.core.session.Reporter;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.InflaterInputStream;

/** What the OCI tests push: the bundled examples' BPF object and WASM module, built on first use, and a store per test. */
final class OciFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private OciFixtures() {
    }

    /**
     * An example built as ebpm builds it: into the cache the tests share with the ebpm they start (never into the
     * checkout), reused while its sources are unchanged. Returns the built package.json or app.wasm.
     */
    static Path builtExample(String name) {
        return new SourceBuilder(Reporter.SILENT, Directories.fromEnvironment()).build(CliProcess.repoRoot().resolve("examples").resolve(name));
    }

    /** sigsnoop's BPF object (little-endian, as clang -target bpf builds it here), from the example's package.json. */
    static byte[] sigsnoopObject() throws Exception {
        JsonNode pkg = JSON.readTree(builtExample("sigsnoop").toFile());
        return new InflaterInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(pkg.get("bpf_object").asText()))).readAllBytes();
    }

    /** The sigsnoop-wasm example's app.wasm (an ecli-style WASM program with its BPF object inside). */
    static byte[] sigsnoopWasm() throws Exception {
        return Files.readAllBytes(builtExample("sigsnoop-wasm"));
    }

    /** A BPF object compiled for the other byte order (clang -target bpfeb on this little-endian machine). */
    static byte[] bigEndianObject(Path dir) throws Exception {
        Path src = dir.resolve("be.c");
        Files.writeString(src, """
                __attribute__((section("xdp"), used)) int pass(void *ctx) { return 2; }
                char _license[] __attribute__((section("license"), used)) = "GPL";
                """);
        Process p = new ProcessBuilder("clang", "-target", "bpfeb", "-O2", "-g", "-c", src.toString(), "-o", dir.resolve("be.o").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("clang -target bpfeb: " + out);
        return Files.readAllBytes(dir.resolve("be.o"));
    }

    /** An environment with its own store, Docker config and lockfile directory. */
    static Map<String, String> env(Path dir) {
        return Map.of("EBPM_HOME", dir.resolve("store").toString(), "DOCKER_CONFIG", dir.resolve("docker").toString());
    }

    static CliProcess.Result ebpm(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(env, Duration.ofSeconds(180), args);
    }

    /**
     * A command that loads nothing into the kernel, run in this JVM through Main ({@link InProcess}) with {@code dir/store}
     * as its store: the same parsing, core and output as the child process, without a JVM start per setup step.
     */
    static CliProcess.Result quick(Path dir, String... args) {
        return InProcess.execute(args[0].equals("pack") ? args : InProcess.withStore(dir.resolve("store").toString(), args));
    }
}
