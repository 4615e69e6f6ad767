package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.PackageName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real child JVMs, really killed: the store must always open, verify clean and hold only whole packages. */
class CrashSafetyTest {
    static final int RANDOM_KILLS = 50;

    @Test
    void sigkillAtRandomMomentsNeverLeavesAPartialInstall(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("store");
        Random rnd = new Random(20261125);
        int installedSeen = 0;
        int orphanBlobs = 0;
        int tempFiles = 0;
        long start = System.nanoTime();
        for (int run = 0; run < RANDOM_KILLS; run++) {
            Process p = ChildJvm.worker(Map.of(), store.toString(), "loop", Long.toString(rnd.nextLong()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line = out.readLine();
            assertEquals("ready", line, "worker did not start (run " + run + ")");
            // kill while installs, uninstalls and gc are in flight: 0..400 ms into the work loop
            Thread.sleep(rnd.nextInt(400));
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            installedSeen += StoreChecks.assertConsistent(store).size();
            if (run % 2 == 1) {
                // every other run, clean up, and count the evidence of kills that landed mid-install
                try (LocalStore s = LocalStore.open(store)) {
                    GcReport gc = s.maintenance().gc();
                    orphanBlobs += gc.blobsDeleted();
                    tempFiles += gc.tempFilesDeleted();
                }
                StoreChecks.assertConsistent(store);
            }
        }
        // gc after all the kills removes only orphans; everything installed stays whole
        try (LocalStore s = LocalStore.open(store)) {
            s.maintenance().gc();
            assertEquals(0, s.maintenance().verify(false).unreferencedBlobs());
            try (Stream<Path> tmp = Files.list(store.resolve("tmp"))) {
                assertEquals(0, tmp.count());
            }
        }
        StoreChecks.assertConsistent(store);
        assertTrue(installedSeen > 0, "the workers got to install something");
        System.out.printf("%d kills in %.1f s, %d installed versions observed; gc found %d orphan blobs and %d temp files left by kills%n",
                RANDOM_KILLS, (System.nanoTime() - start) / 1e9, installedSeen, orphanBlobs, tempFiles);
    }

    @ParameterizedTest
    @ValueSource(strings = {dev.ebpm.pkg.BlobDirectory.AFTER_TEMP_WRITE, dev.ebpm.pkg.BlobDirectory.AFTER_RENAME, CrashHook.BEFORE_COMMIT, CrashHook.AFTER_COMMIT})
    void haltAtEachStep(String step, @TempDir Path dir) throws Exception {
        Path store = dir.resolve("store");
        try (LocalStore s = LocalStore.open(store)) {
            LocalStoreTest.install(s, "execsnoop", "1.0.0");
        }
        Process p = ChildJvm.worker(Map.of("EBPM_CRASH_AT", step), store.toString(), "install", "opensnoop", "1.0.0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = ChildJvm.drain(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "halted at " + step + ": " + err);

        List<InstalledVersion> after = StoreChecks.assertConsistent(store);
        boolean committed = step.equals(CrashHook.AFTER_COMMIT);
        assertEquals(committed, after.stream().anyMatch(v -> v.name().equals(PackageName.parse("opensnoop"))), "opensnoop installed after halt at " + step);
        assertTrue(after.stream().anyMatch(v -> v.name().equals(PackageName.parse("execsnoop"))), "earlier install survives");

        try (LocalStore s = LocalStore.open(store)) {
            GcReport gc = s.maintenance().gc();
            switch (step) {
                case dev.ebpm.pkg.BlobDirectory.AFTER_TEMP_WRITE -> assertEquals(1, gc.tempFilesDeleted(), "the half-done temp file is cleaned");
                case dev.ebpm.pkg.BlobDirectory.AFTER_RENAME, CrashHook.BEFORE_COMMIT -> assertTrue(gc.blobsDeleted() >= 1, "orphan blobs are cleaned: " + gc);
                default -> assertEquals(new GcReport(0, 0, 0), gc);
            }
            // and the interrupted install can simply be repeated
            InstallResult r = LocalStoreTest.install(s, "opensnoop", "1.0.0");
            assertEquals(committed, r.alreadyInstalled());
        }
        StoreChecks.assertConsistent(store);
        assertFalse(err.contains("Exception"), err);
    }
}
