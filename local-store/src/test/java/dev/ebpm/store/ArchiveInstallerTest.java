package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installs over real HTTP from a local server. */
class ArchiveInstallerTest {
    HttpServer server;
    String base;
    final byte[] archive = TestPackages.archive("opensnoop", "1.0.0");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/opensnoop-1.0.0.ebpm", ex -> {
            ex.sendResponseHeaders(200, archive.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(archive);
            }
        });
        server.createContext("/moved.ebpm", ex -> {
            ex.getResponseHeaders().add("Location", base + "/opensnoop-1.0.0.ebpm");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/huge.ebpm", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) o.write(chunk);
            } catch (java.io.IOException ignored) {
                // the client hung up once it had enough
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void installsFromUrlAndFollowsRedirects(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            ArchiveInstaller installer = new ArchiveInstaller(s);
            InstallResult r = installer.install(base + "/moved.ebpm");
            assertFalse(r.alreadyInstalled());
            assertEquals("opensnoop@1.0.0", r.id());
            InstalledVersion v = s.list().get(0);
            assertEquals(InstallSource.Kind.URL, v.source().kind());
            assertEquals(base + "/moved.ebpm", v.source().location());
            assertTrue(installer.install(base + "/opensnoop-1.0.0.ebpm").alreadyInstalled());
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void httpErrorsAndOversizedBodies(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> new ArchiveInstaller(s).install(base + "/missing.ebpm"));
            assertEquals("cannot download " + base + "/missing.ebpm: HTTP 404", e.getMessage());
            ArchiveInstaller small = new ArchiveInstaller(s, new PackageArchive.Limits(1 << 20, 1 << 20, 100), Duration.ofSeconds(10));
            e = assertThrows(StoreException.class, () -> small.install(base + "/huge.ebpm"));
            assertTrue(e.getMessage().startsWith("download of " + base + "/huge.ebpm exceeds"), e.getMessage());
            assertTrue(s.list().isEmpty());
        }
    }

    @Test
    void refusedArchiveLeavesNothingBehind(@TempDir Path dir) throws Exception {
        byte[] bad = archive.clone();
        bad[bad.length / 2] ^= 0x55;
        Path file = dir.resolve("bad.ebpm");
        Files.write(file, bad);
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            assertThrows(InvalidPackageException.class, () -> new ArchiveInstaller(s).install(file.toString()));
            assertTrue(s.list().isEmpty());
            assertEquals(0, s.blobs().list().size());
        }
    }
}
