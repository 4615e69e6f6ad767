package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
    static final PackageName OPENSNOOP = PackageName.parse("opensnoop");

    static InstallResult install(LocalStore s, String name, String version) {
        return s.install(TestPackages.unpacked(name, version), TestPackages.archive(name, version),
                InstallSource.file(Path.of("/tmp/" + name + ".ebpm")), "unsigned");
    }

    @Test
    void createsLayoutAndSchema(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
        }
        assertTrue(Files.isRegularFile(dir.resolve("store/store.db")));
        assertTrue(Files.isDirectory(dir.resolve("store/blobs/sha256")));
        assertTrue(Files.isDirectory(dir.resolve("store/tmp")));
        // re-open is a no-op migration
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
        }
    }

    @Test
    void installListInfoOpenFile(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            InstallResult r = install(s, "opensnoop", "1.0.0");
            assertFalse(r.alreadyInstalled());
            assertEquals(4, r.blobsWritten(), "3 files + the archive");
            InstallResult again = install(s, "opensnoop", "1.0.0");
            assertTrue(again.alreadyInstalled());
            assertEquals(0, again.blobsWritten());

            List<InstalledVersion> all = s.list();
            assertEquals(1, all.size());
            InstalledVersion v = all.get(0);
            assertTrue(v.current());
            assertEquals("unsigned", v.signatureStatus());
            assertEquals(InstallSource.Kind.FILE, v.source().kind());
            assertEquals(Digests.sha256Hex(TestPackages.archive("opensnoop", "1.0.0")), v.archiveSha256());

            PackageInfo info = s.info(OPENSNOOP, null);
            assertEquals(TestPackages.manifest("opensnoop", "1.0.0"), info.manifest());
            assertArrayEquals(TestPackages.files("opensnoop", "1.0.0").get("package.json"), s.openFile(OPENSNOOP, null, "package.json"));
            assertThrows(PackageNotInstalledException.class, () -> s.openFile(OPENSNOOP, null, "nope"));
            PackageNotInstalledException e = assertThrows(PackageNotInstalledException.class, () -> s.info(PackageName.parse("nope"), null));
            assertEquals("nope is not installed", e.getMessage());
        }
    }

    @Test
    void sideBySideVersionsAndCurrent(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            install(s, "opensnoop", "2.0.0");
            install(s, "opensnoop", "1.1.0");
            assertEquals(List.of("1.0.0", "1.1.0", "2.0.0"), s.versions(OPENSNOOP).stream().map(x -> x.version().toString()).toList());
            // the latest installed is current
            assertEquals("1.1.0", s.resolveInstalled(OPENSNOOP, null).orElseThrow().version().toString());
            assertEquals("2.0.0", s.resolveInstalled(OPENSNOOP, VersionRange.parse("*")).orElseThrow().version().toString());
            assertEquals("1.1.0", s.resolveInstalled(OPENSNOOP, VersionRange.parse("^1.0")).orElseThrow().version().toString());
            assertTrue(s.resolveInstalled(OPENSNOOP, VersionRange.parse("^3")).isEmpty());

            assertEquals(List.of("opensnoop@1.1.0"), s.uninstall(OPENSNOOP, Version.parse("1.1.0")));
            // the highest remaining becomes current
            assertEquals("2.0.0", s.resolveInstalled(OPENSNOOP, null).orElseThrow().version().toString());
            PackageNotInstalledException e = assertThrows(PackageNotInstalledException.class, () -> s.uninstall(OPENSNOOP, Version.parse("9.0.0")));
            assertEquals("opensnoop@9.0.0 is not installed (installed: 1.0.0, 2.0.0)", e.getMessage());
            assertEquals(2, s.uninstall(OPENSNOOP, null).size());
            assertTrue(s.list().isEmpty());
        }
    }

    @Test
    void uninstallDeletesOnlyUnsharedBlobs(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            install(s, "execsnoop", "1.0.0");
            String shared = Digests.sha256Hex(TestPackages.files("x", "1").get(TestPackages.SHARED));
            String own = TestPackages.manifest("opensnoop", "1.0.0").files().get("src/opensnoop.bpf.o").sha256();
            s.uninstall(OPENSNOOP, null);
            assertTrue(s.blobs().contains(shared));
            assertFalse(s.blobs().contains(own));
            assertEquals(new GcReport(0, 0, 0), s.gc());
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void refusesSameVersionWithDifferentContents(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            var other = dev.ebpm.pkg.UnpackedPackage.of(
                    TestPackages.manifest("opensnoop", "1.0.0").toBuilder().description("changed").build(),
                    TestPackages.files("opensnoop", "1.0.0"));
            StoreException e = assertThrows(StoreException.class, () -> s.install(other, null, InstallSource.hub("main"), "signed"));
            assertTrue(e.getMessage().startsWith("opensnoop@1.0.0 is already installed with different contents"), e.getMessage());
        }
    }

    @Test
    void corruptBlobIsDetectedAndRepaired(@TempDir Path dir) throws Exception {
        String digest = TestPackages.manifest("opensnoop", "1.0.0").files().get("src/opensnoop.bpf.o").sha256();
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            install(s, "execsnoop", "1.0.0");
            Path blob = s.blobs().path(digest);
            byte[] b = Files.readAllBytes(blob);
            b[100] ^= 1;
            blob.toFile().setWritable(true);
            Files.write(blob, b);

            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> s.openFile(OPENSNOOP, null, "src/opensnoop.bpf.o"));
            assertEquals(digest, e.digest());
            assertTrue(e.getMessage().contains("opensnoop@1.0.0:src/opensnoop.bpf.o"), e.getMessage());
            assertTrue(e.getMessage().contains(digest), e.getMessage());

            VerifyReport r = s.verify(false);
            assertFalse(r.clean());
            assertEquals(1, r.problems().size());
            assertEquals(VerifyReport.BlobState.CORRUPT, r.problems().get(0).state());
            assertEquals(List.of("opensnoop@1.0.0"), r.problems().get(0).affectedVersions());

            VerifyReport repaired = s.verify(true);
            assertEquals(List.of("opensnoop@1.0.0"), repaired.removedVersions());
            assertTrue(s.verify(false).clean());
            assertEquals(List.of("execsnoop@1.0.0"), s.list().stream().map(InstalledVersion::id).toList());
            // reinstalling brings it back intact
            install(s, "opensnoop", "1.0.0");
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void missingBlobIsReported(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            String digest = TestPackages.manifest("opensnoop", "1.0.0").files().get("package.json").sha256();
            Files.delete(s.blobs().path(digest));
            VerifyReport r = s.verify(false);
            assertEquals(VerifyReport.BlobState.MISSING, r.problems().get(0).state());
            assertThrows(CorruptBlobException.class, () -> s.openFile(OPENSNOOP, null, "package.json"));
        }
    }

    @Test
    void gcRemovesOrphansAndTempFiles(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            byte[] orphan = "orphan".getBytes();
            s.blobs().put(Digests.sha256Hex(orphan), orphan);
            Files.writeString(dir.resolve("tmp/blob-123.tmp"), "half-written");
            GcReport r = s.gc();
            assertEquals(1, r.blobsDeleted());
            assertEquals(orphan.length, r.bytesFreed());
            assertEquals(1, r.tempFilesDeleted());
            assertEquals(0, s.verify(false).unreferencedBlobs());
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void listJsonMatchesList(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            assertEquals("[]\n", new String(s.listJson(), java.nio.charset.StandardCharsets.UTF_8));
            install(s, "opensnoop", "1.10.0");
            install(s, "opensnoop", "1.9.0");
            install(s, "execsnoop", "1.0.0");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.listJson());
            List<InstalledVersion> list = s.list();
            assertEquals(List.of("execsnoop@1.0.0", "opensnoop@1.9.0", "opensnoop@1.10.0"), list.stream().map(InstalledVersion::id).toList());
            assertEquals(list.size(), json.size());
            for (int i = 0; i < list.size(); i++) {
                InstalledVersion v = list.get(i);
                var o = json.get(i);
                assertEquals(v.name().value(), o.get("name").asText());
                assertEquals(v.version().toString(), o.get("version").asText());
                assertEquals(v.current(), o.get("current").asBoolean());
                assertTrue(o.get("current").isBoolean());
                assertEquals(v.totalSize(), o.get("size").asLong());
                assertEquals(v.source().location(), o.get("source").get("location").asText());
                assertEquals(v.archiveSha256(), o.get("archive_sha256").asText());
                assertEquals(v.installedAt(), java.time.Instant.parse(o.get("installed_at").asText()));
                assertTrue(o.get("allow_unsigned").isBoolean());
            }
        }
    }

    @Test
    void config(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            assertTrue(s.config("hub.default").isEmpty());
            s.setConfig("hub.default", "https://hub.example");
            s.setConfig("hub.default", "https://hub2.example");
            assertEquals("https://hub2.example", s.config("hub.default").orElseThrow());
            assertEquals(Map.of("hub.default", "https://hub2.example"), s.configAll());
            s.setConfig("hub.default", null);
            assertTrue(s.config("hub.default").isEmpty());
        }
    }

    @Test
    void archiveInstallerInstallsFilesAndSkipsKnownArchives(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("opensnoop-1.0.0.ebpm");
        Files.write(archive, TestPackages.archive("opensnoop", "1.0.0"));
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            ArchiveInstaller installer = new ArchiveInstaller(s);
            assertFalse(installer.install(archive.toString()).alreadyInstalled());
            assertTrue(installer.install(archive.toString()).alreadyInstalled());
            assertEquals(archive.toString(), s.list().get(0).source().location());
            StoreException e = assertThrows(StoreException.class, () -> installer.install(dir.resolve("nope.ebpm").toString()));
            assertTrue(e.getMessage().startsWith("no such file: "), e.getMessage());
        }
    }

    @Test
    void storeLocation() {
        assertEquals(Path.of("/x/store"), StoreLocation.resolve(Path.of("/x/store"), Map.of("EBPM_HOME", "/y"), "/home/u"));
        assertEquals(Path.of("/y"), StoreLocation.resolve(null, Map.of("EBPM_HOME", "/y", "XDG_DATA_HOME", "/d"), "/home/u"));
        assertEquals(Path.of("/d/ebpm"), StoreLocation.resolve(null, Map.of("XDG_DATA_HOME", "/d"), "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/ebpm"), StoreLocation.resolve(null, Map.of("XDG_DATA_HOME", "rel"), "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/ebpm"), StoreLocation.resolve(null, Map.of(), "/home/u"));
    }

    @Test
    void runsOfAV4StoreSurviveTheMigrationAndRecordTheRunnersStart(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            s.runs().insert(RunRecord.starting("0123456789ab", "sigsnoop", "1.0.0", "bpf", List.of("sigsnoop"), 0, null));
        }
        // turn it back into what a v4 ebpm left: no pid_start column
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(LocalStore.DATABASE));
             Statement st = c.createStatement()) {
            st.execute("ALTER TABLE runs DROP COLUMN pid_start");
            st.execute("UPDATE runs SET pid = 4242");
            st.execute("PRAGMA user_version = 4");
        }
        try (LocalStore s = LocalStore.open(dir)) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
            RunRecord old = s.runs().find("0123456789ab").orElseThrow();
            assertEquals(4242L, old.pid());
            assertNull(old.pidStart(), "a v4 row does not know its runner's start");
            s.runs().setPid("0123456789ab", 4343, "boot:123");
            assertTrue(s.runs().markRunning("0123456789ab", 4444, "boot:456", List.of("kill_entry -> tracepoint/syscalls/sys_enter_kill")));
            RunRecord now = s.runs().find("0123456789ab").orElseThrow();
            assertEquals(4444L, now.pid());
            assertEquals("boot:456", now.pidStart());
            assertEquals(RunState.RUNNING, now.state());
        }
    }
}
