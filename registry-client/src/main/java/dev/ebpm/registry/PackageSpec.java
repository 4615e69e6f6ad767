package dev.ebpm.registry;

import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;

/**
 * What the user asked for: {@code [hub/]name[@version|@range]}, e.g. {@code sigsnoop}, {@code sigsnoop@1.2.0},
 * {@code sigsnoop@^1.2}, {@code myhub/sigsnoop@~1}. An exact version is kept apart from a range so a yanked exact
 * version gets its own message.
 */
public record PackageSpec(String hub, PackageName name, VersionRange range, Version exact, String text) {
    public static PackageSpec parse(String s) {
        if (s == null || s.isBlank()) throw new RegistryException("empty package name");
        String rest = s.strip();
        String hub = null;
        int slash = rest.indexOf('/');
        int at = rest.indexOf('@');
        if (slash > 0 && (at < 0 || slash < at)) {
            hub = rest.substring(0, slash);
            rest = rest.substring(slash + 1);
            at = rest.indexOf('@');
        }
        String nameText = at >= 0 ? rest.substring(0, at) : rest;
        String rangeText = at >= 0 ? rest.substring(at + 1).strip() : null;
        try {
            PackageName name = PackageName.parse(nameText);
            if (rangeText == null || rangeText.isEmpty() || rangeText.equals("*") || rangeText.equals("latest")) {
                return new PackageSpec(hub, name, VersionRange.any(), null, s);
            }
            Version exact = null;
            try {
                exact = Version.parse(rangeText.startsWith("=") ? rangeText.substring(1) : rangeText);
            } catch (InvalidPackageException notExact) {
                // a range, not one version
            }
            VersionRange range = exact != null ? VersionRange.exactly(exact) : VersionRange.parse(rangeText);
            return new PackageSpec(hub, name, range, exact, s);
        } catch (InvalidPackageException e) {
            throw new RegistryException("invalid package spec \"" + s + "\": " + e.getMessage());
        }
    }

    public boolean anyVersion() {
        return exact == null && range.equals(VersionRange.any());
    }

    @Override
    public String toString() {
        return text;
    }
}
