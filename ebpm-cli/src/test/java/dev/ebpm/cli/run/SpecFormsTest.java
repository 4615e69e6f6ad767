package dev.ebpm.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.cli.CliProcess;
import dev.ebpm.cli.Examples;
import dev.ebpm.cli.KernelState;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.registry.hubs.StaticManifests;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every form of the one package-spec grammar on {@code run}, {@code install} and {@code info}, against the real kernel:
 * installed names with ranges, {@code @latest} and a hub qualifier, a URL on a loopback server (refused unsigned,
 * run with --allow-unsigned, run verified with a signature beside it), standard input, a package directory, and the
 * forms that cannot be used, each refused naming how it was read.
 */
class SpecFormsTest {
    private static final List<String> SIGSNOOP_PROGS = List.of("kill_entry", "kill_exit", "tkill_entry", "tkill_exit", "tgkill_entry", "tgkill_exit");
    private static final Duration RUN = Duration.ofSeconds(120);

    @TempDir static Path tmp;
    static Path store;
    static HttpServer server;
    static final Map<String, byte[]> served = new ConcurrentHashMap<>();
    static String base;
    private KernelState.Snapshot kernel;

    @BeforeAll
    static void installAndServe() throws Exception {
        store = tmp.resolve("store");
        CliProcess.Result r = ebpm("install", "--store", store.toString(), "sigsnoop");
        assertEquals(0, r.exitCode(), r.stderr());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        served.put("/sigsnoop/package.json", Files.readAllBytes(Examples.built("sigsnoop").resolve("package.json")));
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void snapshot() throws Exception {
        kernel = new KernelState.Snapshot(SIGSNOOP_PROGS);
    }

    @AfterEach
    void nothingOfOursStaysLoaded() throws Exception {
        kernel.assertNoneLeft();
    }

    static CliProcess.Result ebpm(String... args) throws Exception {
        return CliProcess.run(Map.of(), RUN, args);
    }

    /** Runs {@code spec} from the test store until it prints the event for a signal sent meanwhile. */
    static void runsAndSeesASignal(String... runWords) throws Exception {
        String[] args = new String[runWords.length + 4];
        args[0] = "run";
        args[1] = "--store";
        args[2] = store.toString();
        System.arraycopy(runWords, 0, args, 3, runWords.length);
        args[args.length - 1] = "--json";
        try (CliProcess ebpm = CliProcess.start(args)) {
            ebpm.awaitStderr("running (6 programs attached)", Duration.ofSeconds(60));
            long[] pids = RunSigsnoopTest.signalFromChild("USR2");
            String line = ebpm.awaitLine(l -> l.contains("\"pid\":" + pids[0] + ","), Duration.ofSeconds(10));
            assertTrue(line.contains("\"sig\":12"), line);
            ebpm.interrupt(Duration.ofSeconds(15));
        }
    }

    @Test
    void installedNameWithARangeLatestAndItsHub() throws Exception {
        runsAndSeesASignal("sigsnoop@^1.0");
        for (String spec : List.of("sigsnoop@latest", "examples/sigsnoop", "sigsnoop@1.0.0")) {
            CliProcess.Result r = ebpm("run", "--store", store.toString(), "--duration", "0.5", spec);
            assertEquals(0, r.exitCode(), spec + ": " + r.stderr());
            assertTrue(r.stderr().contains("sigsnoop running (6 programs attached)"), spec + ": " + r.stderr());
        }
        CliProcess.Result none = ebpm("run", "--store", store.toString(), "sigsnoop@^2");
        assertEquals(1, none.exitCode());
        assertEquals("ebpm: error: sigsnoop is installed, but no installed version matches ^2 (installed: [1.0.0])\n", none.stderr());
        for (String spec : List.of("sigsnoop@^1", "sigsnoop@latest", "examples/sigsnoop")) {
            CliProcess.Result info = ebpm("info", "--store", store.toString(), spec);
            assertEquals(0, info.exitCode(), spec + ": " + info.stderr());
            assertTrue(info.stdout().startsWith("sigsnoop@1.0.0 (current)"), spec + ": " + info.stdout());
        }
        CliProcess.Result hub = ebpm("install", "--store", store.toString(), "examples/sigsnoop@^1");
        assertEquals("sigsnoop@1.0.0 is already installed", hub.stdout().strip(), hub.stderr());
    }

    @Test
    void urlOnALoopbackServer() throws Exception {
        String url = base + "/sigsnoop/package.json";
        CliProcess.Result refused = ebpm("run", "--store", store.toString(), url);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().matches("ebpm: error: package sigsnoop@0\\.0\\.0-static\\+[0-9a-f]{12} is not signed; refused, nothing was run"
                + " \\(to run it anyway, unverified: --allow-unsigned\\)\n"), refused.stderr());
        runsAndSeesASignal("--allow-unsigned", url);

        // signed beside it (URL.sig) by a key trusted for files and URLs: runs verified, no flag needed
        Path keyFile = tmp.resolve("keys/url.key");
        SecretKey key = SecretKey.generate("url-signer");
        Files.createDirectories(keyFile.getParent());
        SecretKeyFile.write(key, null, keyFile);
        Files.writeString(tmp.resolve("keys/url.pub"), key.publicKey().toText() + "\n");
        assertEquals(0, ebpm("key", "trust", "--store", store.toString(), tmp.resolve("keys/url.pub").toString()).exitCode());
        UnpackedPackage pkg = StaticManifests.wrap(PackageName.parse("sigsnoop"), "package.json", served.get("/sigsnoop/package.json"), null);
        served.put("/sigsnoop/package.json.sig", SignatureEnvelope.sign(key, pkg.manifest(), pkg.manifestJson()).toJson());
        try {
            runsAndSeesASignal(url);
            CliProcess.Result info = ebpm("info", "--store", store.toString(), url);
            assertEquals(0, info.exitCode(), info.stderr());
            assertTrue(info.stdout().startsWith(url + " (not installed)"), info.stdout());
            assertTrue(info.stdout().contains("entry:       package.json"), info.stdout());
        } finally {
            served.remove("/sigsnoop/package.json.sig");
        }
    }

    @Test
    void standardInputAndAPackageDirectory() throws Exception {
        Path pkgJson = Examples.built("sigsnoop").resolve("package.json");
        CliProcess.Result r = CliProcess.runWithInput(Map.of(), RUN, pkgJson, "run", "--store", store.toString(), "--duration", "0.5", "-");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("sigsnoop running (6 programs attached)"), r.stderr());

        // a package directory: run builds nothing it need not, install packs it; its archive comes back through stdin
        Path dir = CliProcess.repoRoot().resolve("examples/sigsnoop");
        r = ebpm("run", "--store", store.toString(), "--duration", "0.5", dir.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Path other = tmp.resolve("other-store");
        r = ebpm("install", "--store", other.toString(), "--allow-unsigned", dir.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("installed sigsnoop@1.0.0"), r.stdout());
        r = ebpm("pack", dir.toString(), "-o", tmp.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Path archive = tmp.resolve("sigsnoop-1.0.0.ebpm");
        Path third = tmp.resolve("third-store");
        r = CliProcess.runWithInput(Map.of(), RUN, archive, "install", "--store", third.toString(), "--allow-unsigned", "-");
        assertEquals(0, r.exitCode(), r.stderr());
        r = ebpm("list", "--store", third.toString(), "--json");
        assertTrue(r.stdout().contains("\"source\":{\"kind\":\"stdin\",\"location\":\"-\"}"), r.stdout());
        r = ebpm("info", "--store", third.toString(), archive.toString());
        assertTrue(r.stdout().startsWith(archive + " (not installed)"), r.stdout());
    }

    @Test
    void formsThatCannotBeUsedSayHowTheyWereRead() throws Exception {
        for (String cmd : List.of("run", "install", "info")) {
            CliProcess.Result r = ebpm(cmd, "--store", store.toString(), "nohub/sigsnoop");
            assertEquals(1, r.exitCode(), cmd);
            assertTrue(r.stderr().startsWith("ebpm: error: no hub named nohub (read as HUB/NAME"), cmd + ": " + r.stderr());
            r = ebpm(cmd, "--store", store.toString(), "a/b/c");
            assertEquals("ebpm: error: \"a/b/c\" is not a package spec: a path starts with ./ or /, a registry reference with a host"
                    + " (registry.example/repo:tag), a hub package is [HUB/]NAME[@RANGE]\n", r.stderr(), cmd);
            r = ebpm(cmd, "--store", store.toString(), "./nosuch/package.json");
            assertEquals("ebpm: error: no such file: ./nosuch/package.json (read as a file path)\n", r.stderr(), cmd);
        }
    }
}
