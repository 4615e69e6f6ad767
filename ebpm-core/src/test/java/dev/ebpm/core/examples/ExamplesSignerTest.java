package dev.ebpm.core.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.core.install.Installer;
import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.session.Directories;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.store.InstallResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded examples hub across two checkouts of ebpm: the examples key belongs to the configuration, so what one
 * checkout installed another runs, verified; the examples directories are never written; the builds and their
 * signatures live in the cache, one build directory per checkout.
 */
class ExamplesSignerTest {
    @TempDir
    Path tmp;

    private Path checkout(String name) throws IOException {
        Path src = Path.of(System.getProperty("ebpm.repo.root")).resolve("examples/sigsnoop");
        Path dir = Files.createDirectories(tmp.resolve(name).resolve("examples/sigsnoop"));
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String n = f.getFileName().toString();
                // what git would check out: sources only, never a build an older ebpm left there
                if (!n.equals("package.json") && !n.equals(PackageManifest.SIGNATURE_FILE)) Files.copy(f, dir.resolve(n));
            }
        }
        return dir.getParent();
    }

    private Session session(Path examples, Path config) {
        return Session.open(Settings.defaults(tmp.resolve("store")).examples(Optional.of(examples), Optional.empty())
                .directories(new Directories(config, tmp.resolve("cache"))));
    }

    /** Every file under {@code dir} with its bytes' digest and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(dir.relativize(p).toString(), Files.isRegularFile(p)
                        ? dev.ebpm.pkg.Digests.sha256Hex(p) + " " + Files.getLastModifiedTime(p) : "dir");
            }
        }
        return out;
    }

    @Test
    void whatOneCheckoutInstalledAnotherRunsVerifiedAndNeitherIsWritten() throws Exception {
        Path a = checkout("a");
        Path b = checkout("b");
        Map<String, String> beforeA = snapshot(a);
        Map<String, String> beforeB = snapshot(b);
        Path config = tmp.resolve("config");

        try (Session s = session(a, config)) {
            InstallResult r = new Installer(s).install(PackageSpec.parse("sigsnoop"), Installer.Request.verified());
            assertEquals("sigsnoop", r.name().value());
        }
        Path key = config.resolve("examples-hub.key");
        assertTrue(Files.isRegularFile(key) && Files.isRegularFile(config.resolve("examples-hub.pub")), "the examples key is in the configuration");
        String keyBytes = Files.readString(key);

        // the other checkout: same user, same store, same configuration
        try (Session s = session(b, config)) {
            RunnablePackage p = new RunLocator(s).locate(PackageSpec.parse("sigsnoop"), false);
            assertEquals("sigsnoop", p.name());
            assertTrue(p.origin().contains("(installed"), p.origin());
            // and it installs from its own examples, signed by the same key, without a second key
            new Installer(s).install(PackageSpec.parse("sigsnoop"), Installer.Request.verified());
        }
        assertEquals(keyBytes, Files.readString(key), "the key is made once");
        assertEquals(beforeA, snapshot(a), "checkout a's examples are untouched");
        assertEquals(beforeB, snapshot(b), "checkout b's examples are untouched");

        // one build per checkout in the cache, each with its signature beside the package.json it covers
        List<Path> builds;
        try (Stream<Path> s = Files.list(tmp.resolve("cache/builds"))) {
            builds = s.sorted().toList();
        }
        assertEquals(2, builds.size(), builds.toString());
        for (Path d : builds) {
            assertTrue(d.getFileName().toString().startsWith("sigsnoop-"), d.toString());
            assertTrue(Files.isRegularFile(d.resolve("package.json")) && Files.isRegularFile(d.resolve("ebpm.sig")), d.toString());
        }
        // builds are reproducible: the two checkouts' packages are the same bytes
        assertEquals(dev.ebpm.pkg.Digests.sha256Hex(builds.get(0).resolve("package.json")),
                dev.ebpm.pkg.Digests.sha256Hex(builds.get(1).resolve("package.json")));

        // another configuration (another user) does not trust this one's examples key
        try (Session s = session(b, tmp.resolve("other-config"))) {
            TrustException e = assertThrows(TrustException.class, () -> new RunLocator(s).locate(PackageSpec.parse("sigsnoop"), false));
            assertTrue(e.getMessage().contains("not trusted for hub examples"), e.getMessage());
        }
    }

    @Test
    void aCachedBuildIsReusedUntilASourceChanges() throws Exception {
        Path examples = checkout("c");
        Path dir = examples.resolve("sigsnoop");
        try (Session s = session(examples, tmp.resolve("config"))) {
            SourceBuilder builder = new SourceBuilder(s);
            Path first = builder.build(dir);
            assertFalse(first.startsWith(dir), "built outside the sources: " + first);
            boolean rebuilt = builder.withBuild(dir, SourceBuilder.CachedBuild::madeNow);
            assertFalse(rebuilt, "same sources: the build is reused");
            // git checkout changes modification times, not bytes: still reused
            Files.setLastModifiedTime(dir.resolve("sigsnoop.bpf.c"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            assertFalse(builder.withBuild(dir, SourceBuilder.CachedBuild::madeNow));
            Files.writeString(dir.resolve("sigsnoop.bpf.c"), Files.readString(dir.resolve("sigsnoop.bpf.c")) + "\n// changed\n");
            assertTrue(builder.withBuild(dir, SourceBuilder.CachedBuild::madeNow), "a changed source is built again");
        }
    }
}
