package dev.ebpm.core.hub;

import dev.ebpm.hub.HubServer;
import dev.ebpm.hub.HubStore;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.hubs.HttpIndexHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** A real hub server on loopback over a temp data directory, and clients pointed at it. */
final class TestHub implements AutoCloseable {
    final Path data;
    final long maxUpload;
    HubStore store;
    HubServer server;
    final String token;

    TestHub(Path data, long maxUpload) throws IOException {
        this.data = data;
        this.maxUpload = maxUpload;
        this.store = HubStore.open(data, maxUpload);
        this.token = store.createToken("alice");
        this.server = HubServer.start(store, new InetSocketAddress("127.0.0.1", 0), 128);
    }

    String url() {
        return server.uri().toString();
    }

    void restart() throws IOException {
        int port = server.port();
        close();
        store = HubStore.open(data, maxUpload);
        server = HubServer.start(store, new InetSocketAddress("127.0.0.1", port), 128);
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }

    /**
     * A client with its own store directory, this hub added as "test" the way a user adds it (its key pinned on first
     * use) and no built-in hubs.
     */
    TestClient client(Path storeRoot) {
        TestClient c = new TestClient(Settings.defaults(storeRoot).examples(Optional.empty(), Optional.empty()));
        {
            Session s = c.open();
            HubSetup setup = new HubSetup(s);
            setup.remove(HubList.EUNOMIA);
            setup.add("test", url(), "index", 10, false, true);
        }
        return c;
    }

    /**
     * A client with its own store directory, a hub at {@code hubUrl} (none if null) registered as "test" of {@code type},
     * {@code allowUnsigned} as {@code hub add --allow-unsigned} sets it, and no built-in hubs.
     */
    static TestClient client(Path storeRoot, String hubUrl, String type, boolean allowUnsigned) {
        TestClient c = new TestClient(Settings.defaults(storeRoot).examples(Optional.empty(), Optional.empty()));
        {
            Session s = c.open();
            HubList list = HubList.load(s);
            list.remove(HubList.EUNOMIA);
            if (hubUrl != null) list.add(new HubDefinition("test", hubUrl, type, 10, false, allowUnsigned));
        }
        return c;
    }

    /**
     * What one ebpm process does with its session (one store handle, one HTTP client, kept for the client's life): resolve
     * and fetch through {@link Hubs} (recording the choice in ebpm.lock only when asked, as {@code hub fetch} and
     * {@code install} do), search, publish.
     */
    static final class TestClient {
        private final Settings settings;
        private Session session;

        TestClient(Settings settings) {
            this.settings = settings;
        }

        synchronized Session open() {
            if (session == null) session = Session.open(settings);
            return session;
        }

        TestClient offline() {
            return new TestClient(settings.offline(true));
        }

        TestClient locked() {
            return new TestClient(settings.locked(true));
        }

        FetchedPackage fetch(String spec) {
            return hubs().fetch((PackageSpec.Named) PackageSpec.parse(spec));
        }

        FetchedPackage fetchAndLock(String spec) {
            Hubs hubs = hubs();
            FetchedPackage f = hubs.fetch((PackageSpec.Named) PackageSpec.parse(spec));
            hubs.lock(f);
            return f;
        }

        List<HubResolver.SearchHit> search(String term) {
            return hubs().search(term);
        }

        Optional<Hubs.RemoteInfo> info(String spec) {
            return hubs().info((PackageSpec.Named) PackageSpec.parse(spec));
        }

        HttpIndexHub indexHub(String name) {
            return hubs().indexHub(name);
        }

        private Hubs hubs() {
            Session s = open();
            return new Hubs(s, new Keys(s));
        }
    }

    static byte[] archive(String name, String version, byte[] entry) {
        PackageManifest m = PackageManifest.builder().name(name).version(version).description("traces " + name)
                .keywords(List.of("tracing", "signals")).kind(PackageKind.BPF).entry("package.json").file("package.json", entry).build();
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("package.json", entry);
        return PackageArchive.pack(m, files);
    }

    static byte[] archive(String name, String version) {
        return archive(name, version, ("{\"name\":\"" + name + "\",\"v\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, byte[] archive, String fileName) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(fileName), archive);
    }
}
