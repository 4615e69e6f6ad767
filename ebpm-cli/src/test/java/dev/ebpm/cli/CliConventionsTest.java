package dev.ebpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions docs/commands.md promises every command keeps: one error line and exit 2 with a --help hint for a
 * usage mistake, exit 1 for a failure; --json records with the text columns' names; --offline wherever the network
 * could be used, run's before PKG too.
 */
class CliConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    private String store() {
        return tmp.resolve("store").toString();
    }

    @Test
    void usageMistakesExitTwoWithOneLineAndAHint() {
        CliProcess.Result unknown = InProcess.execute("list", "--bogus");
        assertEquals(2, unknown.exitCode());
        assertEquals("ebpm: error: unknown option: '--bogus'\nTry 'ebpm list --help' for more information.\n", unknown.stderr());
        assertEquals("", unknown.stdout(), "no help dumped on a mistake");

        CliProcess.Result missing = InProcess.execute("hub", "add", "only-a-name");
        assertEquals(2, missing.exitCode());
        assertEquals("ebpm: error: missing required parameter: 'URL'\nTry 'ebpm hub add --help' for more information.\n", missing.stderr());

        CliProcess.Result badValue = InProcess.execute("stop", "--timeout", "soon");
        assertEquals(2, badValue.exitCode());
        assertTrue(badValue.stderr().startsWith("ebpm: error: invalid value for option '--timeout': 'soon' is not a double"), badValue.stderr());
        assertTrue(badValue.stderr().endsWith("\nTry 'ebpm stop --help' for more information.\n"), badValue.stderr());

        CliProcess.Result noPackage = InProcess.execute("run", "--store", store());
        assertEquals(2, noPackage.exitCode());
        assertEquals("ebpm: error: ebpm run needs a package (PKG) or --metrics-config FILE\nTry 'ebpm run --help' for more information.\n",
                noPackage.stderr());
        assertEquals("", noPackage.stdout());

        CliProcess.Result typo = InProcess.execute("instal", "sigsnoop");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.stderr().startsWith("ebpm: error: unmatched arguments from index 0: 'instal', 'sigsnoop'\n"), typo.stderr());
        assertTrue(typo.stderr().contains("ebpm: did you mean install"), typo.stderr());
    }

    @Test
    void aPackageOptionMistakeIsAUsageMistakeToo() {
        String pkg = Examples.built("sigsnoop").resolve("package.json").toString();
        CliProcess.Result r = InProcess.execute("run", "--store", store(), pkg, "--no-such-option");
        assertEquals(2, r.exitCode(), r.stderr());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(2, lines.size(), r.stderr());
        assertTrue(lines.get(0).startsWith("ebpm: error: unknown option '--no-such-option' for sigsnoop; valid options: "), lines.get(0));
        assertEquals("Try 'ebpm run PKG --help' for the package's options.", lines.get(1));
    }

    @Test
    void failuresExitOneAndSayWhyOnce() throws Exception {
        // two hubs (the examples and eunomia's): the one that cannot be asked offline is named in the error, not warned of too
        CliProcess.Result r = cli("run", "--offline", "--store", store(), "nosuchpkg");
        assertEquals(1, r.exitCode(), r.stderr());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), "one line, the reason not repeated as a warning first:\n" + r.stderr());
        assertTrue(lines.get(0).startsWith("ebpm: error: ") && lines.get(0).contains("nosuchpkg") && lines.get(0).contains("offline"), r.stderr());
        assertFalse(r.stderr().contains("invalid package name"), "--offline before PKG is ebpm's option: " + r.stderr());
    }

    @Test
    void jsonRecordsAndJsonErrors() throws Exception {
        // a child process, as a user runs it: with the bundled examples hub
        JsonNode hubs = JSON.readTree(cli("hub", "list", "--json", "--store", store()).stdout());
        assertEquals("examples", hubs.get(0).get("name").asText(), hubs.toString());
        assertEquals("directory", hubs.get(0).get("type").asText());
        assertEquals(0, hubs.get(0).get("priority").asInt());
        assertTrue(hubs.get(0).get("built_in").asBoolean());
        assertTrue(hubs.get(0).get("url").asText().endsWith("examples"), hubs.toString());

        JsonNode keys = JSON.readTree(cli("key", "list", "--json", "--store", store()).stdout());
        assertTrue(keys.get("signing_keys").isArray());
        JsonNode examplesKey = null;
        for (JsonNode k : keys.get("trusted_keys")) if (k.get("for").asText().equals("examples")) examplesKey = k;
        assertTrue(examplesKey != null && examplesKey.get("origin").isTextual(), keys.toString());
        assertTrue(examplesKey.get("fingerprint").asText().matches("[0-9a-f]{4}( [0-9a-f]{4})+"), keys.toString());

        assertEquals(0, cli("install", "--store", store(), "sigsnoop").exitCode());
        CliProcess.Result verify = cli("cache", "verify", "--json", "--store", store());
        assertEquals(0, verify.exitCode(), verify.stderr());
        JsonNode v = JSON.readTree(verify.stdout());
        assertEquals("ok", v.get("database").asText());
        assertTrue(v.get("blobs_checked").asInt() > 0, v.toString());
        assertEquals(0, v.get("problems").size());

        JsonNode gc = JSON.readTree(cli("gc", "--json", "--store", store()).stdout());
        assertEquals(0, gc.get("blobs_deleted").asInt(), gc.toString());
        assertTrue(gc.has("bytes_freed") && gc.has("temp_files_deleted"), gc.toString());

        JsonNode info = JSON.readTree(cli("hub", "info", "sigsnoop", "--json", "--offline", "--store", store()).stdout());
        assertEquals("sigsnoop", info.get("name").asText());
        assertEquals("examples", info.get("hub").asText());

        CliProcess.Result missing = cli("info", "nosuchpkg", "--json", "--offline", "--store", store());
        assertEquals(1, missing.exitCode());
        JsonNode error = JSON.readTree(missing.stdout());
        assertEquals("nosuchpkg is not installed", error.get("error").asText(), missing.stdout());
        assertEquals(1, error.get("exit_code").asInt());
        assertTrue(missing.stderr().endsWith("ebpm: error: nosuchpkg is not installed\n"), missing.stderr());

        JsonNode exported = JSON.readTree(cli("export", "sigsnoop", "-o", tmp.resolve("tools.tar").toString(), "--json", "--store", store()).stdout());
        assertEquals("sigsnoop:1.0.0", exported.get("packages").get(0).asText(), "the package's name in the layout: " + exported);
        assertTrue(exported.get("bytes").asLong() > 0 && exported.get("file").asText().endsWith("tools.tar"), exported.toString());
        JsonNode imported = JSON.readTree(cli("import", tmp.resolve("tools.tar").toString(), "--allow-unsigned", "--json", "--store", tmp.resolve("other").toString()).stdout());
        assertEquals("sigsnoop@1.0.0", imported.get(0).get("id").asText(), imported.toString());
        assertFalse(imported.get(0).get("already_installed").asBoolean(), imported.toString());
        JsonNode fetched = JSON.readTree(cli("hub", "fetch", "sigsnoop", "--json", "--store", store()).stdout());
        assertEquals("sigsnoop@1.0.0", fetched.get("id").asText(), fetched.toString());
        assertEquals("examples", fetched.get("hub").asText(), fetched.toString());
        assertTrue(fetched.get("wrote").isNull(), fetched.toString());

        JsonNode removed = JSON.readTree(cli("uninstall", "sigsnoop", "--json", "--store", store()).stdout());
        assertEquals("sigsnoop@1.0.0", removed.get("removed").get(0).asText());
    }

    private static CliProcess.Result cli(String... args) throws Exception {
        return CliProcess.run(args);
    }

    /** Every command that could reach the network takes --offline. */
    @Test
    void offlineWhereverTheNetworkCouldBeUsed() {
        var root = Main.commandLine();
        for (List<String> path : List.of(List.of("install"), List.of("run"), List.of("info"), List.of("search"), List.of("update"),
                List.of("pull"), List.of("push"), List.of("export"), List.of("exporter"), List.of("publish"), List.of("yank"), List.of("login"),
                List.of("logout"), List.of("hub", "add"), List.of("hub", "fetch"), List.of("hub", "info"))) {
            var cl = root;
            for (String word : path) cl = cl.getSubcommands().get(word);
            assertTrue(cl.getCommandSpec().findOption("--offline") != null, "ebpm " + String.join(" ", path) + " --offline");
        }
    }
}
