package dev.ebpm.store;

import dev.ebpm.pkg.Version;

/**
 * A string whose byte order is semver precedence, so SQLite can {@code ORDER BY} versions. Numbers are zero-padded
 * to 19 digits; prerelease identifiers are tagged numeric ("0") or alphanumeric ("1") and joined by '!', which sorts
 * below every identifier character; a release ends in '~', which sorts above them.
 */
final class VersionSortKey {
    private VersionSortKey() {
    }

    static String of(Version v) {
        StringBuilder b = new StringBuilder(64);
        pad(b, v.major()).append('.');
        pad(b, v.minor()).append('.');
        pad(b, v.patch());
        if (v.prerelease().isEmpty()) return b.append('~').toString();
        b.append('-');
        boolean first = true;
        for (String id : v.prerelease()) {
            if (!first) b.append('!');
            first = false;
            if (id.chars().allMatch(c -> c >= '0' && c <= '9')) {
                pad(b.append('0'), Long.parseLong(id));
            } else {
                b.append('1').append(id);
            }
        }
        return b.toString();
    }

    private static StringBuilder pad(StringBuilder b, long n) {
        String s = Long.toString(n);
        return b.append("0".repeat(19 - s.length())).append(s);
    }
}
