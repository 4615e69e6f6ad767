package dev.ebpm.cli.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ebpm build} and {@code ebpm pack} give the same bytes wherever the package directory is, and, with a pinned
 * vmlinux.h, whatever the kernel: each through the real command, with the host's clang.
 */
class ReproducibleBuildTest {
    private static final Duration BUILD = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliProcess.Result ebpm(Map<String, String> env, String... args) throws Exception {
        CliProcess.Result r = CliProcess.run(env, BUILD, args);
        assertEquals(0, r.exitCode(), () -> "ebpm " + String.join(" ", args) + ": " + r.stderr());
        return r;
    }

    /** A copy of {@code from}'s regular files (a symlinked vmlinux.h is left out unless {@code withLinks}). */
    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                String n = f.getFileName().toString();
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !n.equals("package.json")) Files.copy(f, to.resolve(n));
            }
        }
        return to;
    }

    private static byte[] object(Path packageJson) throws Exception {
        JsonNode pkg = JSON.readTree(packageJson.toFile());
        try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(pkg.get("bpf_object").asText())))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theSameExampleInTwoDirectoriesGivesTheSameBytes() throws Exception {
        Path example = CliProcess.repoRoot().resolve("examples/sigsnoop");
        Path a = copy(example, tmp.resolve("a/one/level/deeper/sigsnoop"));
        Path b = copy(example, tmp.resolve("b/sigsnoop"));
        ebpm(Map.of(), "build", a.toString());
        ebpm(Map.of("TZ", "Pacific/Kiritimati"), "build", b.toString()); // another time zone, another moment
        assertArrayEquals(Files.readAllBytes(a.resolve("package.json")), Files.readAllBytes(b.resolve("package.json")),
                "package.json built in " + a + " and in " + b);
        // the object names its source relative to the package directory, never where it was built
        String elf = new String(object(a.resolve("package.json")), StandardCharsets.ISO_8859_1);
        assertFalse(elf.contains(tmp.toString()), "the build directory leaked into the object");
        assertTrue(elf.contains("./sigsnoop.bpf.c"), "line info names the source relative to the package");

        ebpm(Map.of(), "pack", a.toString(), "-o", tmp.resolve("out-a").toString());
        ebpm(Map.of(), "pack", b.toString(), "-o", tmp.resolve("out-b").toString());
        Path archiveA = tmp.resolve("out-a/sigsnoop-1.0.0.ebpm");
        assertArrayEquals(Files.readAllBytes(archiveA), Files.readAllBytes(tmp.resolve("out-b/sigsnoop-1.0.0.ebpm")));

        // the manifest records the compiler the bytes came from
        PackageManifest m;
        try (InputStream in = Files.newInputStream(archiveA)) {
            m = PackageArchive.unpack(in).manifest();
        }
        Process clang = new ProcessBuilder("clang", "--version").redirectErrorStream(true).start();
        String clangVersion = new String(clang.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertEquals(clangVersion, m.build().get("clang"));
        assertTrue(m.build().get("vmlinux_h").matches("sha256:[0-9a-f]{64}"), m.build().toString());
        assertEquals(m.build().get("clang"), JSON.readTree(a.resolve("package.json").toFile()).at("/meta/ebpm_build/clang").asText());
    }

    @Test
    void aPinnedVmlinuxHeaderMakesTheKernelIrrelevant() throws Exception {
        Path fixtures = CliProcess.repoRoot().resolve("ebpm-cli/src/test/resources");
        Path dir = copy(fixtures.resolve("attach/tc_count"), tmp.resolve("tc_count"));
        // a kernel whose BTF cannot be read: a build that needs it says so ...
        Map<String, String> noKernel = Map.of("BTF_FILE_PATH", tmp.resolve("no-such-btf").toString());
        CliProcess.Result r = CliProcess.run(noKernel, BUILD, "build", dir.toString(), "-o", tmp.resolve("o1").toString());
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().startsWith("ebpm: error: cannot read BTF " + tmp.resolve("no-such-btf")), r.stderr());
        // ... one against a pinned vmlinux.h never asks, and gives the committed fixture's bytes (built in another directory)
        ebpm(noKernel, "build", dir.toString(), "--vmlinux", fixtures.resolve("vmlinux.h").toString(), "-o", tmp.resolve("o2").toString());
        assertArrayEquals(Files.readAllBytes(fixtures.resolve("attach/tc_count/package.json")), Files.readAllBytes(tmp.resolve("o2/package.json")));

        r = CliProcess.run(Map.of(), BUILD, "build", dir.toString(), "--vmlinux", fixtures.resolve("vmlinux.h").toString(), "--btf", "/sys/kernel/btf/vmlinux");
        assertEquals("ebpm: error: --vmlinux and --btf both say where the kernel's types come from: give one\n", r.stderr());
        Files.copy(fixtures.resolve("vmlinux.h"), dir.resolve("vmlinux.h"));
        r = CliProcess.run(Map.of(), BUILD, "build", dir.toString(), "--vmlinux", fixtures.resolve("vmlinux.h").toString());
        assertEquals("ebpm: error: " + dir + " has its own vmlinux.h, which the source includes before any other: remove it, or build without --vmlinux\n",
                r.stderr());
    }
}
