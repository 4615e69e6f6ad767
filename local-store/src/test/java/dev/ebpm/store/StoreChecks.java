package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.PackageName;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Asserts a store holds only complete packages: clean verify, every file byte-identical, one current per package. */
public final class StoreChecks {
    private StoreChecks() {
    }

    public static List<InstalledVersion> assertConsistent(Path root) {
        try (LocalStore s = LocalStore.open(root)) {
            VerifyReport r = s.maintenance().verify(false);
            assertTrue(r.clean(), "verify: " + r);
            List<InstalledVersion> all = s.packages().list();
            Map<PackageName, Integer> currents = new HashMap<>();
            for (InstalledVersion v : all) {
                if (v.current()) currents.merge(v.name(), 1, Integer::sum);
                PackageInfo info = s.packages().info(v.name(), v.version());
                assertEquals(TestPackages.manifest(v.name().value(), v.version().toString()), info.manifest(), v.id());
                SortedMap<String, byte[]> expected = TestPackages.files(v.name().value(), v.version().toString());
                assertEquals(expected.size(), v.fileCount(), v.id());
                for (Map.Entry<String, byte[]> f : expected.entrySet()) {
                    assertArrayEquals(f.getValue(), s.packages().openFile(v.name(), v.version(), f.getKey()), v.id() + ":" + f.getKey());
                }
                assertTrue(v.installedAt() != null && v.source() != null, "install record of " + v.id());
            }
            for (InstalledVersion v : all) {
                assertEquals(1, currents.getOrDefault(v.name(), 0), "exactly one current version of " + v.name());
            }
            return all;
        }
    }
}
