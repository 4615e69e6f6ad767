package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ebpm.pkg.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stores the user cannot or should not write: clear one-line errors and not a byte lost. */
class StoreFailureTest {

    static Path populated(Path dir) {
        try (LocalStore s = LocalStore.open(dir)) {
            LocalStoreTest.install(s, "opensnoop", "1.0.0");
            LocalStoreTest.install(s, "execsnoop", "1.1.0");
        }
        return dir;
    }

    /** sha256 of every file under the store, to show nothing changed. */
    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(p).toString();
                // SQLite's shared-memory index is rebuilt on open; it holds no data
                if (!name.endsWith("-shm")) out.put(name, Digests.sha256Hex(p));
            }
        }
        return out;
    }

    @Test
    void newerSchemaIsRefusedUntouched(@TempDir Path dir) throws Exception {
        populated(dir);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(LocalStore.DATABASE));
             Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = " + (Migrations.LATEST + 1));
        }
        Map<String, String> before = snapshot(dir);
        StoreException e = assertThrows(StoreException.class, () -> LocalStore.open(dir));
        assertTrue(e.getMessage().startsWith("store schema v" + (Migrations.LATEST + 1) + " is newer than this ebpm (v" + Migrations.LATEST + "); upgrade ebpm"), e.getMessage());
        assertEquals(before, snapshot(dir));
    }

    @Test
    void corruptedDatabaseIsReportedNotReplaced(@TempDir Path dir) throws Exception {
        populated(dir);
        Path db = dir.resolve(LocalStore.DATABASE);
        byte[] garbage = Files.readAllBytes(db);
        for (int i = 0; i < 100; i++) garbage[i] = (byte) (i * 7 + 3);
        Files.write(db, garbage);
        Map<String, String> before = snapshot(dir);
        StoreException e = assertThrows(StoreException.class, () -> LocalStore.open(dir));
        assertTrue(e.getMessage().startsWith("store database " + db + " is corrupted"), e.getMessage());
        assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        assertEquals(before, snapshot(dir));
    }

    @Test
    void databaseThatIsNotSqliteAtAll(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(LocalStore.DATABASE), "this is not a database, it is a text file with enough bytes to have a header".repeat(20));
        Map<String, String> before = snapshot(dir);
        StoreException e = assertThrows(StoreException.class, () -> LocalStore.open(dir));
        assertTrue(e.getMessage().contains("is corrupted"), e.getMessage());
        assertEquals(before, snapshot(dir));
    }

    @Test
    void readOnlyStoreDirectory(@TempDir Path dir) throws Exception {
        Path store = populated(dir.resolve("store"));
        Map<String, String> before = snapshot(store);
        // root ignores permission bits; the immutable attribute stops root too
        boolean immutable = new ProcessBuilder("chattr", "+i", store.toString()).inheritIO().start().waitFor() == 0;
        if (!immutable) {
            store.toFile().setWritable(false);
            assumeTrue(!Files.isWritable(store) || !"root".equals(System.getProperty("user.name")),
                    "read-only directory: needs chattr (immutable attribute) or a non-root user");
        }
        try {
            StoreException e = assertThrows(StoreException.class, () -> LocalStore.open(store));
            assertTrue(e.getMessage().startsWith("store directory " + store + " is not writable"), e.getMessage());
            e = assertThrows(StoreException.class, () -> LocalStore.open(store.resolve("sub")));
            assertTrue(e.getMessage().startsWith("cannot create store directory " + store.resolve("sub")), e.getMessage());
        } finally {
            if (immutable) new ProcessBuilder("chattr", "-i", store.toString()).inheritIO().start().waitFor();
            store.toFile().setWritable(true);
        }
        assertEquals(before, snapshot(store));
        StoreChecks.assertConsistent(store);
    }
}
