package dev.ebpm.cli.store;

import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.InProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.Main;
import dev.ebpm.pkg.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store commands through the real picocli setup of Main, in-process. */
class StoreCommandsTest {

    record Result(int exit, String out, String err) {
    }

    static Result ebpm(String... args) {
        CliProcess.Result r = InProcess.execute(args);
        return new Result(r.exitCode(), r.stdout(), r.stderr());
    }

    static Path packageDir(Path dir, String name, String version) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"kind\":\"bpf\","
                + "\"entry\":\"package.json\",\"description\":\"trace open() calls\",\"license\":\"GPL-2.0\","
                + "\"requires\":{\"btf\":true,\"ringbuf\":true,\"attach\":[\"tracepoint\"]}}");
        Files.writeString(dir.resolve("package.json"), "{\"bpf_skel\":{\"obj_name\":\"" + name + "_bpf\"}}");
        Files.write(dir.resolve(name + ".bpf.o"), ("ELF " + name + version).getBytes());
        return dir;
    }

    @Test
    void packInstallListInfoUninstall(@TempDir Path tmp) throws Exception {
        String store = tmp.resolve("store").toString();
        Result r = ebpm("pack", packageDir(tmp.resolve("src"), "opensnoop", "1.0.0").toString(), "-o", tmp.resolve("out").toString());
        assertEquals(0, r.exit(), r.err());
        Path archive = tmp.resolve("out/opensnoop-1.0.0.ebpm");
        assertEquals(archive + "  sha256:" + Digests.sha256Hex(archive) + "\n", r.out());

        r = ebpm("install", "--allow-unsigned", "--store", store, archive.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("installed opensnoop@1.0.0 ("), r.out());
        r = ebpm("install", "--allow-unsigned", "--store", store, archive.toString());
        assertEquals("opensnoop@1.0.0 is already installed\n", r.out());

        r = ebpm("list", "--store", store);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("NAME"), r.out());
        assertTrue(r.out().contains("opensnoop  *1.0.0"), r.out());

        r = ebpm("list", "--store", store, "--json");
        JsonNode list = StoreOutput.mapper().readTree(r.out());
        assertEquals(1, list.size());
        assertEquals("opensnoop", list.get(0).get("name").asText());
        assertEquals(Digests.sha256Hex(archive), list.get(0).get("archive_sha256").asText());

        r = ebpm("info", "--store", store, "opensnoop");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("opensnoop@1.0.0 (current)\n"), r.out());
        assertTrue(r.out().contains("signature:   unsigned"), r.out());
        assertTrue(r.out().contains("opensnoop.bpf.o"), r.out());

        r = ebpm("info", "--store", store, "opensnoop@1.0.0", "--json");
        JsonNode info = StoreOutput.mapper().readTree(r.out());
        assertEquals("tracepoint", info.get("manifest").get("requires").get("attach").get(0).asText());
        assertEquals("file", info.get("install").get("source").get("kind").asText());

        r = ebpm("cache", "verify", "--store", store);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("database: ok\nblobs checked: 3, problems: 0"), r.out());

        r = ebpm("uninstall", "--store", store, "opensnoop");
        assertEquals("removed opensnoop@1.0.0\n", r.out());
        r = ebpm("gc", "--store", store);
        assertEquals(0, r.exit(), r.err());
        r = ebpm("list", "--store", store);
        assertEquals("no packages installed\n", r.out());
    }

    @Test
    void errorsAreOneLineWithExitCodes(@TempDir Path tmp) throws Exception {
        String store = tmp.resolve("store").toString();
        Result r = ebpm("info", "--offline", "--store", store, "nope"); // not installed: the hubs are asked (offline: cache only)
        assertEquals(1, r.exit());
        assertTrue(r.err().endsWith("ebpm: error: nope is not installed\n"), r.err());

        // one grammar for every command (issue 11): "../x" is a path, and the error says how it was read
        r = ebpm("info", "--store", store, "../x");
        assertEquals(1, r.exit());
        assertEquals("ebpm: error: no such file: ../x (read as a file path)\n", r.err());
        r = ebpm("info", "--store", store, "Bad_Name");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ebpm: error: invalid package name \"Bad_Name\""), r.err());

        r = ebpm("install", "--allow-unsigned", "--store", store, tmp.resolve("missing.ebpm").toString());
        assertEquals(1, r.exit());
        assertEquals("ebpm: error: no such file: " + tmp.resolve("missing.ebpm") + " (read as a file path)\n", r.err());

        Path bad = tmp.resolve("bad.ebpm");
        Files.writeString(bad, "not an archive");
        r = ebpm("install", "--allow-unsigned", "--store", store, bad.toString());
        assertEquals("ebpm: error: archive: not a gzip stream\n", r.err());

        r = ebpm("list", "--store", store, "--bogus");
        assertEquals(2, r.exit(), "usage error");
    }

    @Test
    void verifyReportsAndRepairsCorruption(@TempDir Path tmp) throws Exception {
        String store = tmp.resolve("store").toString();
        ebpm("pack", packageDir(tmp.resolve("src"), "execsnoop", "0.3.0").toString(), "-o", tmp.toString());
        assertEquals(0, ebpm("install", "--allow-unsigned", "--store", store, tmp.resolve("execsnoop-0.3.0.ebpm").toString()).exit());
        Path obj = tmp.resolve("src/execsnoop.bpf.o");
        Path blob = tmp.resolve("store/blobs/sha256").resolve(Digests.sha256Hex(obj).substring(0, 2)).resolve(Digests.sha256Hex(obj));
        Files.writeString(blob, "bit rot");

        Result r = ebpm("cache", "verify", "--store", store);
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("corrupt sha256:" + Digests.sha256Hex(obj) + " used by execsnoop@0.3.0"), r.out());
        r = ebpm("cache", "verify", "--repair", "--store", store);
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("removed execsnoop@0.3.0 (reinstall it)"), r.out());
        assertEquals("no packages installed\n", ebpm("list", "--store", store).out());
    }
}
