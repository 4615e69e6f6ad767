package dev.ebpm.core.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.StoreChecks;
import dev.ebpm.store.TestPackages;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installs archives named by path and over real HTTP from a local server (unsigned, allowed: trust has its own tests). */
class ArchiveInstallerTest {
    HttpServer server;
    String base;
    final byte[] archive = TestPackages.archive("opensnoop", "1.0.0");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // contexts match by prefix: only the exact paths answer, ARCHIVE.sig and the rest are 404
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/opensnoop-1.0.0.ebpm", ex -> {
            if (notExact(ex, "/opensnoop-1.0.0.ebpm")) return;
            ex.sendResponseHeaders(200, archive.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(archive);
            }
        });
        server.createContext("/moved.ebpm", ex -> {
            if (notExact(ex, "/moved.ebpm")) return;
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

    private static boolean notExact(com.sun.net.httpserver.HttpExchange ex, String path) throws java.io.IOException {
        if (ex.getRequestURI().getPath().equals(path)) return false;
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return true;
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static Session session(Path store) {
        return Session.open(Settings.defaults(store).examples(Optional.empty(), Optional.empty()));
    }

    static InstallResult install(Session s, String spec) {
        return new Installer(s).install(PackageSpec.parse(spec), Installer.Request.allowingUnsigned());
    }

    @Test
    void installsFromUrlAndFollowsRedirects(@TempDir Path dir) throws Exception {
        try (Session s = session(dir)) {
            InstallResult r = install(s, base + "/moved.ebpm");
            assertFalse(r.alreadyInstalled());
            assertEquals("opensnoop@1.0.0", r.id());
            InstalledVersion v = s.store().packages().list().get(0);
            assertEquals(InstallSource.Kind.URL, v.source().kind());
            assertEquals(base + "/moved.ebpm", v.source().location());
            assertTrue(install(s, base + "/opensnoop-1.0.0.ebpm").alreadyInstalled());
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void httpErrorsAndOversizedBodies(@TempDir Path dir) {
        try (Session s = session(dir)) {
            RegistryException e = assertThrows(RegistryException.class, () -> install(s, base + "/missing.ebpm"));
            assertEquals("cannot download " + base + "/missing.ebpm: HTTP 404", e.getMessage());
            Installer small = new Installer(s).limits(new PackageArchive.Limits(1 << 20, 1 << 20, 100));
            e = assertThrows(RegistryException.class, () -> small.install(PackageSpec.parse(base + "/huge.ebpm"), Installer.Request.allowingUnsigned()));
            assertTrue(e.getMessage().startsWith("download of " + base + "/huge.ebpm: more than"), e.getMessage());
            assertTrue(s.store().packages().list().isEmpty());
        }
    }

    @Test
    void refusedArchiveLeavesNothingBehind(@TempDir Path dir) throws Exception {
        byte[] bad = archive.clone();
        bad[bad.length / 2] ^= 0x55;
        Path file = dir.resolve("bad.ebpm");
        Files.write(file, bad);
        try (Session s = session(dir.resolve("store"))) {
            assertThrows(InvalidPackageException.class, () -> install(s, file.toString()));
            assertTrue(s.store().packages().list().isEmpty());
            assertEquals(0, s.store().blobs().list().size());
        }
    }

    @Test
    void archiveInstallerInstallsFilesAndSkipsKnownArchives(@TempDir Path dir) throws Exception {
        Path archiveFile = dir.resolve("opensnoop-1.0.0.ebpm");
        Files.write(archiveFile, TestPackages.archive("opensnoop", "1.0.0"));
        try (Session s = session(dir.resolve("store"))) {
            assertFalse(install(s, archiveFile.toString()).alreadyInstalled());
            assertTrue(install(s, archiveFile.toString()).alreadyInstalled());
            assertEquals(archiveFile.toString(), s.store().packages().list().get(0).source().location());
            SpecException e = assertThrows(SpecException.class, () -> install(s, dir.resolve("nope.ebpm").toString()));
            assertTrue(e.getMessage().startsWith("no such file: "), e.getMessage());
        }
    }
}
