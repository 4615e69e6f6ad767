package dev.ebpm.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.registry.oci.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials against real registries: htpasswd basic auth and a token service, with ebpm login/logout writing Docker's
 * config.json (0600), and credential helpers (credsStore, credHelpers) run as Docker runs them. No secret is ever
 * printed, whatever happens.
 */
class RegistryAuthTest {
    private final List<String> outputs = new ArrayList<>();

    private CliProcess.Result ebpm(Map<String, String> env, Path stdin, String... args) throws Exception {
        CliProcess.Result r = CliProcess.runWithInput(env, Duration.ofSeconds(120), stdin, args);
        outputs.add(r.stdout() + r.stderr());
        return r;
    }

    private void noSecretWasPrinted() {
        for (String o : outputs) assertFalse(o.contains(TestRegistry.PASSWORD) || o.contains("wrong-password"), "a secret was printed: " + o);
    }

    private static Path file(Path dir, String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void basicAuthLoginPushPullAndLogout(@TempDir Path dir) throws Exception {
        try (TestRegistry reg = TestRegistry.start(TestRegistry.Auth.BASIC)) {
            Map<String, String> env = OciFixtures.env(dir);
            Path pkg = OciArtifactTest.packageDir(dir, "private", "1.0.0");
            String ref = reg.address() + "/team/private:1.0.0";
            CliProcess.Result anon = ebpm(env, null, "push", pkg.toString(), ref);
            assertEquals(1, anon.exitCode());
            assertTrue(anon.stderr().contains("wants credentials for " + reg.address() + ": ebpm login " + reg.address()), anon.stderr());

            CliProcess.Result wrong = ebpm(env, file(dir, "wrong", "wrong-password\n"), "login", reg.address(), "-u", TestRegistry.USER, "--password-stdin");
            assertEquals(1, wrong.exitCode());
            assertTrue(wrong.stderr().contains("refused the credentials"), wrong.stderr());
            assertFalse(Files.exists(dir.resolve("docker/config.json")), "nothing is stored for refused credentials");

            CliProcess.Result login = ebpm(env, file(dir, "right", TestRegistry.PASSWORD + "\n"), "login", reg.address(), "-u", TestRegistry.USER, "--password-stdin");
            assertEquals(0, login.exitCode(), login.stderr());
            Path config = dir.resolve("docker/config.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            JsonNode auths = OciFixtures.JSON.readTree(config.toFile()).path("auths");
            assertEquals(TestRegistry.USER + ":" + TestRegistry.PASSWORD,
                    new String(Base64.getDecoder().decode(auths.path(reg.address()).path("auth").asText())), "docker login's format");

            assertEquals(0, ebpm(env, null, "push", pkg.toString(), ref).exitCode());
            CliProcess.Result pull = ebpm(env, null, "pull", "--allow-unsigned", ref);
            assertEquals(0, pull.exitCode(), pull.stderr());
            CliProcess.Result logout = ebpm(env, null, "logout", reg.address());
            assertEquals("removed the credentials for " + reg.address(), logout.stdout().strip());
            assertFalse(Files.readString(config).contains(reg.address()));
            CliProcess.Result after = ebpm(env, null, "info", ref);
            assertEquals(1, after.exitCode());
            assertTrue(after.stderr().contains("wants credentials"), after.stderr());
        }
        noSecretWasPrinted();
    }

    @Test
    void tokenServiceThroughCredentialHelpers(@TempDir Path dir) throws Exception {
        try (TestRegistry reg = TestRegistry.start(TestRegistry.Auth.TOKEN)) {
            // a credential helper as Docker's: get/store/erase, JSON on stdin and stdout, "not found" when it has nothing
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path helper = file(bin, "docker-credential-ebpmtest", """
                    #!/bin/sh
                    store="$(dirname "$0")/../helper-store"
                    case "$1" in
                      get) read server; if [ -f "$store" ]; then cat "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
                      store) cat > "$store" ;;
                      erase) rm -f "$store" ;;
                    esac
                    """);
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
            Map<String, String> env = new HashMap<>(OciFixtures.env(dir));
            env.put("PATH", bin + ":" + System.getenv("PATH"));
            Files.createDirectories(dir.resolve("docker"));
            file(dir.resolve("docker"), "config.json", "{\"credsStore\":\"ebpmtest\"}");
            Path pkg = OciArtifactTest.packageDir(dir, "tokened", "1.0.0");
            String ref = reg.address() + "/team/tokened:1.0.0";

            CliProcess.Result anon = ebpm(env, null, "push", pkg.toString(), ref);
            assertEquals(1, anon.exitCode());
            assertTrue(anon.stderr().contains("wants credentials for " + reg.address()), anon.stderr());

            CliProcess.Result login = ebpm(env, file(dir, "pw", TestRegistry.PASSWORD + "\n"), "login", reg.address(), "-u", TestRegistry.USER, "--password-stdin");
            assertEquals(0, login.exitCode(), login.stderr());
            assertFalse(Files.readString(dir.resolve("docker/config.json")).contains("auths"), "kept by the helper, not in the file");
            JsonNode stored = OciFixtures.JSON.readTree(dir.resolve("helper-store").toFile());
            assertEquals(reg.address(), stored.get("ServerURL").asText());
            assertEquals(TestRegistry.USER, stored.get("Username").asText());

            assertEquals(0, ebpm(env, null, "push", pkg.toString(), ref).exitCode(), "the token service grants push to the helper's credentials");
            CliProcess.Result pull = ebpm(env, null, "pull", "--allow-unsigned", ref);
            assertEquals(0, pull.exitCode(), pull.stderr());

            // a per-registry helper wins over the default store: this one knows nothing, so the pull is anonymous and refused
            file(dir.resolve("docker"), "config.json", "{\"credsStore\":\"ebpmtest\",\"credHelpers\":{\"" + reg.address() + "\":\"nothing\"}}");
            Path none = file(bin, "docker-credential-nothing", "#!/bin/sh\necho 'credentials not found in native keychain'\nexit 1\n");
            Files.setPosixFilePermissions(none, PosixFilePermissions.fromString("rwx------"));
            CliProcess.Result refused = ebpm(env, null, "info", ref);
            assertEquals(1, refused.exitCode());
            assertTrue(refused.stderr().contains("wants credentials"), refused.stderr());

            file(dir.resolve("docker"), "config.json", "{\"credsStore\":\"ebpmtest\"}");
            assertEquals("removed the credentials for " + reg.address(), ebpm(env, null, "logout", reg.address()).stdout().strip());
            assertFalse(Files.exists(dir.resolve("helper-store")), "erased through the helper");
        }
        noSecretWasPrinted();
    }
}
