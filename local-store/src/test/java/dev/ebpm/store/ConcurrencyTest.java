package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
    static final int PROCESSES = 8;
    static final int PACKAGES_EACH = 12;

    @Test
    void eightProcessesInstallOverlappingPackages(@TempDir Path dir) throws Exception {
        // a fresh store: the processes also race to create and migrate it
        Path store = dir.resolve("store");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            ps.add(ChildJvm.worker(Map.of(), store.toString(), "install-all", Integer.toString(i), Integer.toString(PACKAGES_EACH)).start());
        }
        int ok = 0;
        for (Process p : ps) {
            String err = ChildJvm.drain(p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            if (p.exitValue() == 0) {
                ok++;
            } else {
                assertEquals(3, p.exitValue(), "only 'busy' is an acceptable failure: " + err);
                assertTrue(err.contains("is busy (another ebpm holds the lock); try again"), err);
            }
        }
        List<InstalledVersion> all = StoreChecks.assertConsistent(store);
        if (ok == PROCESSES) assertEquals(PACKAGES_EACH, all.size());
        assertTrue(ok > 0, "at least one process got through");
        System.out.println(ok + "/" + PROCESSES + " processes succeeded, " + all.size() + " versions installed");
    }

    @Test
    void heldLockGivesBusyError(@TempDir Path dir) throws Exception {
        try (LocalStore s = LocalStore.open(dir)) {
            LocalStoreTest.install(s, "execsnoop", "1.0.0");
        }
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(LocalStore.DATABASE));
             Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try (LocalStore s = LocalStore.open(dir, Duration.ofMillis(300))) {
                // reads still work while another process writes
                assertEquals(1, s.packages().list().size());
                long t0 = System.nanoTime();
                StoreBusyException e = org.junit.jupiter.api.Assertions.assertThrows(StoreBusyException.class,
                        () -> LocalStoreTest.install(s, "opensnoop", "1.0.0"));
                assertEquals("store " + dir.toAbsolutePath() + " is busy (another ebpm holds the lock); try again", e.getMessage());
                assertTrue(System.nanoTime() - t0 >= 250_000_000L, "waited for the busy timeout");
            }
            st.execute("ROLLBACK");
        }
        StoreChecks.assertConsistent(dir);
    }
}
