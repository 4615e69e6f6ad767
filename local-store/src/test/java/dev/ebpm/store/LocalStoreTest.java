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
        return s.installs().install(TestPackages.unpacked(name, version), TestPackages.archive(name, version),
                InstallSource.file(Path.of("/tmp/" + name + ".ebpm")), new SignatureRecord("unsigned", null, null, false));
    }

    @Test
    void createsLayoutAndSchema(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
        }
        assertTrue(Files.isRegularFile(dir.resolve("store/store.db")));
        // it holds run arguments and trust settings: its owner's alone
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store/store.db"))));
        assertTrue(Files.isDirectory(dir.resolve("store/blobs/sha256")));
        assertTrue(Files.isDirectory(dir.resolve("store/tmp")));
        // re-open is a no-op migration
        try (LocalStore s = LocalStore.open(dir.resolve("store"))) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
        }
    }

    @Test
    void aStoreMadeReadableByAnOlderEbpmIsTightenedOnOpen(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
        }
        Files.setPosixFilePermissions(dir.resolve("store.db"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (LocalStore s = LocalStore.open(dir)) {
            assertEquals(1, s.packages().list().size());
            // SQLite gives the write-ahead log and shared memory the database's mode
            for (String f : List.of("store.db", "store.db-wal", "store.db-shm")) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
            }
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

            List<InstalledVersion> all = s.packages().list();
            assertEquals(1, all.size());
            InstalledVersion v = all.get(0);
            assertTrue(v.current());
            assertEquals("unsigned", v.signatureStatus());
            assertEquals(InstallSource.Kind.FILE, v.source().kind());
            assertEquals(Digests.sha256Hex(TestPackages.archive("opensnoop", "1.0.0")), v.archiveSha256());

            PackageInfo info = s.packages().info(OPENSNOOP, null);
            assertEquals(TestPackages.manifest("opensnoop", "1.0.0"), info.manifest());
            assertArrayEquals(TestPackages.files("opensnoop", "1.0.0").get("package.json"), s.packages().openFile(OPENSNOOP, null, "package.json"));
            assertThrows(PackageNotInstalledException.class, () -> s.packages().openFile(OPENSNOOP, null, "nope"));
            PackageNotInstalledException e = assertThrows(PackageNotInstalledException.class, () -> s.packages().info(PackageName.parse("nope"), null));
            assertEquals("nope is not installed", e.getMessage());
        }
    }

    @Test
    void sideBySideVersionsAndCurrent(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            install(s, "opensnoop", "2.0.0");
            install(s, "opensnoop", "1.1.0");
            assertEquals(List.of("1.0.0", "1.1.0", "2.0.0"), s.packages().versions(OPENSNOOP).stream().map(x -> x.version().toString()).toList());
            // the latest installed is current
            assertEquals("1.1.0", s.packages().resolveInstalled(OPENSNOOP, null).orElseThrow().version().toString());
            assertEquals("2.0.0", s.packages().resolveInstalled(OPENSNOOP, VersionRange.parse("*")).orElseThrow().version().toString());
            assertEquals("1.1.0", s.packages().resolveInstalled(OPENSNOOP, VersionRange.parse("^1.0")).orElseThrow().version().toString());
            assertTrue(s.packages().resolveInstalled(OPENSNOOP, VersionRange.parse("^3")).isEmpty());

            assertEquals(List.of("opensnoop@1.1.0"), s.installs().uninstall(OPENSNOOP, Version.parse("1.1.0")));
            // the highest remaining becomes current
            assertEquals("2.0.0", s.packages().resolveInstalled(OPENSNOOP, null).orElseThrow().version().toString());
            PackageNotInstalledException e = assertThrows(PackageNotInstalledException.class, () -> s.installs().uninstall(OPENSNOOP, Version.parse("9.0.0")));
            assertEquals("opensnoop@9.0.0 is not installed (installed: 1.0.0, 2.0.0)", e.getMessage());
            assertEquals(2, s.installs().uninstall(OPENSNOOP, null).size());
            assertTrue(s.packages().list().isEmpty());
        }
    }

    @Test
    void uninstallDeletesOnlyUnsharedBlobs(@TempDir Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            install(s, "execsnoop", "1.0.0");
            String shared = Digests.sha256Hex(TestPackages.files("x", "1").get(TestPackages.SHARED));
            String own = TestPackages.manifest("opensnoop", "1.0.0").files().get("src/opensnoop.bpf.o").sha256();
            s.installs().uninstall(OPENSNOOP, null);
            assertTrue(s.blobs().contains(shared));
            assertFalse(s.blobs().contains(own));
            assertEquals(new GcReport(0, 0, 0), s.maintenance().gc());
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
            StoreException e = assertThrows(StoreException.class, () -> s.installs().install(other, null, InstallSource.hub("main"), new SignatureRecord("signed", null, null, false)));
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

            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> s.packages().openFile(OPENSNOOP, null, "src/opensnoop.bpf.o"));
            assertEquals(digest, e.digest());
            assertTrue(e.getMessage().contains("opensnoop@1.0.0:src/opensnoop.bpf.o"), e.getMessage());
            assertTrue(e.getMessage().contains(digest), e.getMessage());

            VerifyReport r = s.maintenance().verify(false);
            assertFalse(r.clean());
            assertEquals(1, r.problems().size());
            assertEquals(dev.ebpm.pkg.BlobDirectory.State.CORRUPT, r.problems().get(0).state());
            assertEquals(List.of("opensnoop@1.0.0"), r.problems().get(0).affectedVersions());

            VerifyReport repaired = s.maintenance().verify(true);
            assertEquals(List.of("opensnoop@1.0.0"), repaired.removedVersions());
            assertTrue(s.maintenance().verify(false).clean());
            assertEquals(List.of("execsnoop@1.0.0"), s.packages().list().stream().map(InstalledVersion::id).toList());
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
            VerifyReport r = s.maintenance().verify(false);
            assertEquals(dev.ebpm.pkg.BlobDirectory.State.MISSING, r.problems().get(0).state());
            assertThrows(CorruptBlobException.class, () -> s.packages().openFile(OPENSNOOP, null, "package.json"));
        }
    }

    @Test
    void gcRemovesOrphansAndTempFiles(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            install(s, "opensnoop", "1.0.0");
            byte[] orphan = "orphan".getBytes();
            s.blobs().put(Digests.sha256Hex(orphan), orphan);
            Files.writeString(dir.resolve("tmp/blob-123.tmp"), "half-written");
            GcReport r = s.maintenance().gc();
            assertEquals(1, r.blobsDeleted());
            assertEquals(orphan.length, r.bytesFreed());
            assertEquals(1, r.tempFilesDeleted());
            assertEquals(0, s.maintenance().verify(false).unreferencedBlobs());
        }
        StoreChecks.assertConsistent(dir);
    }

    @Test
    void listJsonMatchesList(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            assertEquals("[]\n", new String(s.packages().listJson(), java.nio.charset.StandardCharsets.UTF_8));
            install(s, "opensnoop", "1.10.0");
            install(s, "opensnoop", "1.9.0");
            install(s, "execsnoop", "1.0.0");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.packages().listJson());
            List<InstalledVersion> list = s.packages().list();
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
            assertTrue(s.config().get("hub.default").isEmpty());
            s.config().set("hub.default", "https://hub.example");
            s.config().set("hub.default", "https://hub2.example");
            assertEquals("https://hub2.example", s.config().get("hub.default").orElseThrow());
            assertEquals(Map.of("hub.default", "https://hub2.example"), s.config().all());
            s.config().set("hub.default", null);
            assertTrue(s.config().get("hub.default").isEmpty());
        }
    }

    @Test
    void runsOfAV4StoreSurviveTheMigrationAndRecordTheRunnersStart(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            s.runs().insert(RunRecord.starting("0123456789ab", "sigsnoop", "1.0.0", "bpf", List.of("sigsnoop"), 0, null, "always"));
        }
        // turn it back into what a v4 ebpm left: no pid_start column (v5), no OCI objects (v6), no restart policy (v7)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(LocalStore.DATABASE));
             Statement st = c.createStatement()) {
            st.execute("ALTER TABLE runs DROP COLUMN pid_start");
            st.execute("ALTER TABLE runs DROP COLUMN restart");
            st.execute("ALTER TABLE runs DROP COLUMN restarts"); // v7
            st.execute("DROP TABLE oci_objects"); // v6
            st.execute("UPDATE runs SET pid = 4242");
            st.execute("PRAGMA user_version = 4");
        }
        try (LocalStore s = LocalStore.open(dir)) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
            RunRecord old = s.runs().find("0123456789ab").orElseThrow();
            assertEquals(4242L, old.pid());
            assertNull(old.pidStart(), "a v4 row does not know its runner's start");
            assertEquals("no", old.restart(), "a run from before v6 is not restarted");
            assertEquals(0, old.restarts());
            assertTrue(s.runs().setHost("0123456789ab", 4343, "boot:123"));
            assertTrue(s.runs().markRunning("0123456789ab", 4444, "boot:456", List.of("kill_entry -> tracepoint/syscalls/sys_enter_kill")));
            RunRecord now = s.runs().find("0123456789ab").orElseThrow();
            assertEquals(4444L, now.pid());
            assertEquals("boot:456", now.pidStart());
            assertEquals(RunState.RUNNING, now.state());
        }
    }
}
