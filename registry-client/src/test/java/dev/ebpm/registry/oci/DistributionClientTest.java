package dev.ebpm.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.RegistryOptions;
import dev.ebpm.registry.TransferListener;
import dev.ebpm.registry.TransportContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The distribution client against a real registry (Debian's docker-registry 2.8 on loopback): pushes and pulls ebpm's
 * artifact with its signature referrer in each auth mode (none, htpasswd, token service), finds the signature through the
 * referrers tag schema (2.8 has no referrers API), uploads in chunks, mounts across repositories, pages through tags.
 */
class DistributionClientTest {
    private static TransportContext context(Path dir, Path dockerConfigDir) {
        Path config = dockerConfigDir == null ? dir.resolve("no-docker-config.json") : dockerConfigDir.resolve("config.json");
        return new TransportContext(new Http(Http.Options.defaults()), dir.resolve("cache"), null, null, TransferListener.NONE,
                new RegistryOptions(Set.of(), config));
    }

    private static Path archive(Path dir, String name, String version) throws Exception {
        byte[] entry = ("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        PackageManifest m = PackageManifest.builder().name(name).version(version).description("test package " + name).kind(PackageKind.BPF)
                .entry("package.json").file("package.json", entry).build();
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", entry);
        Path p = dir.resolve(name + "-" + version + ".ebpm");
        Files.write(p, PackageArchive.pack(m, files));
        return p;
    }

    @ParameterizedTest
    @EnumSource(TestRegistry.Auth.class)
    void pushesAndPullsEbpmsArtifactWithItsSignatureReferrer(TestRegistry.Auth auth, @TempDir Path dir) throws Exception {
        try (TestRegistry reg = TestRegistry.start(auth)) {
            Path creds = auth == TestRegistry.Auth.NONE ? null : reg.dockerConfig(TestRegistry.USER, TestRegistry.PASSWORD);
            TransportContext ctx = context(dir, creds);
            Path archive = archive(dir, "demo", "1.2.0");
            PackageManifest pm = PackageArchive.unpack(Files.newInputStream(archive)).manifest();
            byte[] signature = "{\"pretend\":\"envelope\"}".getBytes(StandardCharsets.UTF_8);
            List<ArtifactObject> objects = new ArtifactBuilder(OciHub.cache(ctx)).ebpm(archive, pm, signature);
            DistributionClient client = OciHub.client(reg.address(), ctx);
            String digest = new ArtifactPusher(client).push("team/demo", "1.2.0", objects, null);

            // 2.8 has no referrers API: the signature is listed by the sha256-HEX tag's index, with its artifactType
            OciDocument.Index fallback = (OciDocument.Index) client.manifest("team/demo", DistributionClient.fallbackTag(digest)).orElseThrow()
                    .document("fallback");
            assertEquals(1, fallback.manifests().size());
            assertEquals(MediaTypes.EBPM_SIGNATURE, fallback.manifests().get(0).artifactType());

            var refs = OciHub.TRANSPORT.references(context(dir.resolve("other"), creds)).orElseThrow();
            ArtifactReference ref = new ArtifactReference(reg.address(), "team/demo", "1.2.0", null);
            assertEquals(digest, refs.resolve(ref));
            FetchedPackage f = refs.fetch(ref, digest);
            assertEquals("demo@1.2.0", f.manifest().id());
            assertEquals("ebpm package", f.origin().format());
            assertEquals(List.of(new String(signature, StandardCharsets.UTF_8)), f.origin().signatures());
            assertEquals(Digests.sha256Hex(archive), Digests.sha256Hex(f.archive()));
            assertTrue(f.origin().objects().stream().anyMatch(o -> o.role().equals(ArtifactObject.REFERRER)));

            if (auth != TestRegistry.Auth.NONE) {
                var anonymous = OciHub.TRANSPORT.references(context(dir.resolve("anon"), null)).orElseThrow();
                RegistryException e = assertThrows(RegistryException.class, () -> anonymous.resolve(ref));
                assertTrue(e.getMessage().contains("wants credentials for " + reg.address()) && e.getMessage().contains("ebpm login"), e.getMessage());
                var wrong = OciHub.TRANSPORT.references(context(dir.resolve("wrong"), reg.dockerConfig(TestRegistry.USER, "not-it"))).orElseThrow();
                RegistryException w = assertThrows(RegistryException.class, () -> wrong.resolve(ref));
                assertTrue(w.getMessage().contains("refused the credentials"), w.getMessage());
                assertFalse(w.getMessage().contains("not-it") || e.getMessage().contains(TestRegistry.PASSWORD), "no secret in messages");
            }
        }
    }

    @Test
    void uploadsInChunksMountsAcrossRepositoriesAndPagesThroughTags(@TempDir Path dir) throws Exception {
        try (TestRegistry reg = TestRegistry.start(TestRegistry.Auth.TOKEN)) {
            TransportContext ctx = context(dir, reg.dockerConfig(TestRegistry.USER, TestRegistry.PASSWORD));
            DistributionClient client = OciHub.client(reg.address(), ctx);
            byte[] big = new byte[(int) (DistributionClient.CHUNK * 2 + 12345)];
            new Random(7).nextBytes(big);
            Path file = dir.resolve("big.bin");
            Files.write(file, big);
            Descriptor d = new Descriptor("application/octet-stream", "sha256:" + Digests.sha256Hex(big), big.length, null, null, null);
            client.pushBlob("one/repo", d, file, null);
            assertTrue(client.hasBlob("one/repo", d.digest()));
            assertEquals(Digests.sha256Hex(big), Digests.sha256Hex(client.blob("one/repo", d)));

            // a mount never reads the content: give it none, and it must still land in the other repository
            client.pushBlob("two/repo", d, dir.resolve("absent"), "one/repo");
            assertTrue(client.hasBlob("two/repo", d.digest()));

            byte[] cfg = "{}".getBytes(StandardCharsets.UTF_8);
            Path cfgFile = dir.resolve("cfg");
            Files.write(cfgFile, cfg);
            Descriptor config = Descriptor.of(MediaTypes.EMPTY, cfg);
            client.pushBlob("one/repo", config, cfgFile, null);
            byte[] manifest = new OciDocument.Manifest(MediaTypes.OCI_MANIFEST, "application/x-test", config, List.of(d), null, null).toJson();
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < 230; i++) tags.add("1." + i + ".0");
            for (String t : tags) client.pushManifest("one/repo", t, MediaTypes.OCI_MANIFEST, manifest);
            client.tagPage = 100;
            List<String> listed = client.tags("one/repo");
            assertEquals(tags.stream().sorted().toList(), listed.stream().sorted().toList());
            assertEquals(List.of(), client.tags("no/such"));
        }
    }

    @Test
    void aRegistryIsRecognisedByItsV2EndpointAndAWebServerIsNot(@TempDir Path dir) throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        web.start();
        try (TestRegistry open = TestRegistry.start(TestRegistry.Auth.NONE); TestRegistry basic = TestRegistry.start(TestRegistry.Auth.BASIC)) {
            TransportContext ctx = context(dir, null);
            assertTrue(OciHub.TRANSPORT.probe("oci://" + open.address() + "/team", ctx));
            assertTrue(OciHub.TRANSPORT.probe("http://" + basic.address() + "/team", ctx), "401 with the API header is a registry");
            assertFalse(OciHub.TRANSPORT.probe("http://127.0.0.1:" + web.getAddress().getPort() + "/team", ctx));
            assertNotNull(open.address());
        } finally {
            web.stop(0);
        }
    }
}
