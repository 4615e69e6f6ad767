package dev.ebpm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpm.pkg.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionSortKeyTest {
    @Test
    void byteOrderIsSemverPrecedence() {
        List<Version> vs = new ArrayList<>();
        for (String s : List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0-alpha-x", "1.0.0-alpha.x-1", "1.0.0-0", "1.0.0-9", "1.0.0-10",
                "1.0.0-A", "1.0.0-a", "1.0.0--", "0.0.1", "1.2.3", "1.10.0", "10.0.0", "2.0.0-rc.1", "999999999999.0.0")) {
            vs.add(Version.parse(s));
        }
        for (Version a : vs) {
            for (Version b : vs) {
                int semver = Integer.signum(a.compareTo(b));
                int key = Integer.signum(VersionSortKey.of(a).compareTo(VersionSortKey.of(b)));
                assertEquals(semver, key, a + " vs " + b);
            }
        }
        List<Version> sorted = new ArrayList<>(vs);
        sorted.sort(Comparator.comparing(VersionSortKey::of));
        vs.sort(null);
        assertEquals(vs, sorted);
    }
}
