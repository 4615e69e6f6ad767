package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes of eunomia packages ecli accepts: bare skeleton + object, null progs/maps, meta settings. */
class RunPackageFormsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ObjectNode sigsnoop;

    @BeforeAll
    static void build() throws Exception {
        sigsnoop = (ObjectNode) JSON.readTree(Examples.built("sigsnoop").resolve("package.json").toFile());
    }

    private static CliProcess.Result runFor(Path pkg, String... extra) throws Exception {
        String[] args = new String[extra.length + 4];
        args[0] = "run";
        args[1] = "--duration";
        args[2] = "2";
        args[3] = pkg.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return CliProcess.run(java.util.Map.of(), Duration.ofSeconds(120), args);
    }

    @Test
    void bareSkeletonWithItsObjectBesideIt(@TempDir Path dir) throws Exception {
        byte[] elf = new InflaterInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(sigsnoop.get("bpf_object").asText()))).readAllBytes();
        Files.write(dir.resolve("sigsnoop.bpf.o"), elf);
        Files.write(dir.resolve("sigsnoop.skel.json"), JSON.writeValueAsBytes(sigsnoop.get("meta")));
        CliProcess.Result r = runFor(dir.resolve("sigsnoop.skel.json"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("TIME"), r.stdout());
        Files.delete(dir.resolve("sigsnoop.bpf.o"));
        CliProcess.Result missing = runFor(dir.resolve("sigsnoop.skel.json"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("sigsnoop.bpf.o is missing"), missing.stderr());
    }

    @Test
    void nullProgsAndMapsMeanAttachEverything(@TempDir Path dir) throws Exception {
        ObjectNode pkg = sigsnoop.deepCopy();
        ((ObjectNode) pkg.at("/meta/bpf_skel")).putNull("progs");
        ((ObjectNode) pkg.at("/meta/bpf_skel")).putNull("maps");
        Path file = dir.resolve("package.json");
        Files.write(file, JSON.writeValueAsBytes(pkg));
        try (CliProcess ebpm = CliProcess.start("run", file.toString(), "--json")) {
            ebpm.awaitStderr("running (6 programs attached)", Duration.ofSeconds(60));
            long[] pids = RunSigsnoopTest.signalFromChild("USR1");
            ebpm.awaitLine(l -> l.contains("\"pid\":" + pids[0] + ","), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void linkFalseLeavesAProgramUnattached(@TempDir Path dir) throws Exception {
        ObjectNode pkg = sigsnoop.deepCopy();
        for (var p : pkg.at("/meta/bpf_skel/progs")) ((ObjectNode) p).put("link", false);
        Path file = dir.resolve("package.json");
        Files.write(file, JSON.writeValueAsBytes(pkg));
        CliProcess.Result r = runFor(file);
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("running (0 programs attached)"), r.stderr());
    }

    @Test
    void printHeaderFalseDropsTheTableHeader(@TempDir Path dir) throws Exception {
        ObjectNode pkg = sigsnoop.deepCopy();
        ((ObjectNode) pkg.get("meta")).put("print_header", false);
        ((ObjectNode) pkg.get("meta")).put("poll_timeout_ms", 20);
        Path file = dir.resolve("package.json");
        Files.write(file, JSON.writeValueAsBytes(pkg));
        CliProcess.Result r = runFor(file);
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(r.stdout().contains("TIME"), r.stdout());
    }

    @Test
    void initialValueFromThePackageIsUsed(@TempDir Path dir) throws Exception {
        ObjectNode pkg = sigsnoop.deepCopy();
        for (var section : pkg.at("/meta/bpf_skel/data_sections")) {
            for (var v : section.get("variables")) {
                if (v.get("name").asText().equals("target_signal")) {
                    ((ObjectNode) v).put("value", 12);
                    ((ObjectNode) v).remove("cmdarg");
                }
            }
        }
        Path file = dir.resolve("package.json");
        Files.write(file, JSON.writeValueAsBytes(pkg));
        try (CliProcess ebpm = CliProcess.start("run", file.toString(), "--json")) {
            ebpm.awaitStderr("running", Duration.ofSeconds(60));
            long[] usr1 = RunSigsnoopTest.signalFromChild("USR1");
            long[] usr2 = RunSigsnoopTest.signalFromChild("USR2");
            ebpm.awaitLine(l -> l.contains("\"pid\":" + usr2[0] + ","), Duration.ofSeconds(10));
            ebpm.interrupt(Duration.ofSeconds(15));
            assertFalse(ebpm.stdoutSeen().stream().anyMatch(l -> l.contains("\"pid\":" + usr1[0] + ",")), "value 12 filters SIGUSR1 out");
        }
    }
}
