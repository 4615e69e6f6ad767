package dev.ebpm.registry;

import dev.ebpm.hub.HubServer;
import dev.ebpm.hub.HubStore;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    static final PrintStream SILENT = new PrintStream(OutputStream.nullOutputStream());

    /** A client with its own store directory, this hub registered as "test" and no built-in hubs. */
    static HubClient client(Path storeRoot, String hubUrl, HubConfig.Type type) {
        HubConfig c = HubConfig.load(storeRoot);
        c.remove(HubConfig.EUNOMIA);
        if (hubUrl != null) c.add("test", hubUrl, type, 10);
        return new HubClient(HubClient.Options.defaults(storeRoot).quiet(true).warnings(SILENT));
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
