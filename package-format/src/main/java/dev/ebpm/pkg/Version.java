package dev.ebpm.pkg;

import java.util.ArrayList;
import java.util.List;

/**
 * A semantic version (semver 2.0.0). Ordering follows the spec: prerelease versions sort before the release and
 * build metadata is ignored by {@link #compareTo}; {@link #equals} compares the full text.
 */
public record Version(long major, long minor, long patch, List<String> prerelease, String build) implements Comparable<Version> {

    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new InvalidPackageException("invalid version: negative component");
        }
        prerelease = List.copyOf(prerelease);
        build = build == null ? "" : build;
    }

    public static Version of(long major, long minor, long patch) {
        return new Version(major, minor, patch, List.of(), "");
    }

    public static Version parse(String s) {
        if (s == null || s.isEmpty()) {
            throw bad(s, "must not be empty");
        }
        if (s.length() > 256) {
            throw bad(s, "longer than 256 characters");
        }
        String rest = s;
        String build = "";
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            build = rest.substring(plus + 1);
            rest = rest.substring(0, plus);
            identifiers(s, build, "build metadata", false);
        }
        List<String> pre = List.of();
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            pre = identifiers(s, rest.substring(dash + 1), "prerelease", true);
            rest = rest.substring(0, dash);
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) {
            throw bad(s, "expected MAJOR.MINOR.PATCH");
        }
        return new Version(number(s, core[0]), number(s, core[1]), number(s, core[2]), pre, build);
    }

    /** The lowest version with this major.minor.patch ({@code X.Y.Z-0}), used as an exclusive upper bound. */
    Version withPre0() {
        return new Version(major, minor, patch, List.of("0"), "");
    }

    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    /** Same major.minor.patch, ignoring prerelease and build. */
    public boolean sameCore(Version o) {
        return major == o.major && minor == o.minor && patch == o.patch;
    }

    static long number(String whole, String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(whole, "numeric part " + Quote.of(s) + " is not a number");
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            throw bad(whole, "numeric part " + Quote.of(s) + " has a leading zero");
        }
        if (s.length() > 18) {
            throw bad(whole, "numeric part " + Quote.of(s) + " is too large");
        }
        return Long.parseLong(s);
    }

    private static List<String> identifiers(String whole, String s, String what, boolean noLeadingZero) {
        List<String> out = new ArrayList<>();
        for (String id : s.split("\\.", -1)) {
            if (id.isEmpty()) {
                throw bad(whole, "empty " + what + " identifier");
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) {
                    throw bad(whole, what + " may only contain 0-9, A-Z, a-z and '-'");
                }
            }
            if (noLeadingZero && isNumeric(id) && id.length() > 1 && id.charAt(0) == '0') {
                throw bad(whole, what + " identifier " + Quote.of(id) + " has a leading zero");
            }
            out.add(id);
        }
        return out;
    }

    private static boolean isNumeric(String id) {
        return id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static InvalidPackageException bad(String s, String why) {
        return new InvalidPackageException("invalid version " + Quote.of(s) + ": " + why);
    }

    @Override
    public int compareTo(Version o) {
        int c = Long.compare(major, o.major);
        if (c == 0) c = Long.compare(minor, o.minor);
        if (c == 0) c = Long.compare(patch, o.patch);
        if (c != 0) return c;
        if (prerelease.isEmpty() || o.prerelease.isEmpty()) {
            // a release sorts after all of its prereleases
            return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
        }
        int n = Math.min(prerelease.size(), o.prerelease.size());
        for (int i = 0; i < n; i++) {
            c = compareIdentifier(prerelease.get(i), o.prerelease.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(prerelease.size(), o.prerelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean na = isNumeric(a);
        boolean nb = isNumeric(b);
        if (na && nb) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (na != nb) {
            return na ? -1 : 1; // numeric identifiers have lower precedence
        }
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!prerelease.isEmpty()) b.append('-').append(String.join(".", prerelease));
        if (!build.isEmpty()) b.append('+').append(build);
        return b.toString();
    }
}
