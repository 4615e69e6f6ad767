package dev.ebpm.cli.store;

import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;

/** {@code NAME} or {@code NAME@VERSION} as typed on the command line. */
record PackageSpec(PackageName name, Version versionOrNull) {
    static PackageSpec parse(String s) {
        int at = s.indexOf('@');
        if (at < 0) return new PackageSpec(PackageName.parse(s), null);
        return new PackageSpec(PackageName.parse(s.substring(0, at)), Version.parse(s.substring(at + 1)));
    }
}
