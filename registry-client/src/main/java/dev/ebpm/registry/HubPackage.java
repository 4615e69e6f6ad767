package dev.ebpm.registry;

import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A package as one hub knows it: metadata of its current version and every version, oldest first. */
public record HubPackage(PackageName name, String description, List<String> keywords, List<HubVersion> versions) {
    public HubPackage {
        keywords = List.copyOf(keywords == null ? List.of() : keywords);
        versions = versions.stream().sorted(Comparator.comparing(HubVersion::version)).toList();
    }

    /** The highest non-yanked version in {@code range}. */
    public Optional<HubVersion> highest(VersionRange range) {
        HubVersion best = null;
        for (HubVersion v : versions) {
            if (!v.yanked() && range.matches(v.version())) best = v;
        }
        return Optional.ofNullable(best);
    }

    /** The highest non-yanked version, prereleases included only if nothing else is there. */
    public Optional<HubVersion> current() {
        HubVersion best = null;
        HubVersion pre = null;
        for (HubVersion v : versions) {
            if (v.yanked()) continue;
            if (v.version().isPrerelease()) pre = v;
            else best = v;
        }
        return Optional.ofNullable(best != null ? best : pre);
    }

    public Optional<HubVersion> exactly(Version v) {
        return versions.stream().filter(x -> x.version().equals(v)).findFirst();
    }

    /**
     * Every word of {@code term} is in the name, the description or a keyword (case-insensitive), as an ebpm hub's
     * search endpoint matches; a blank term matches every package.
     */
    public boolean matches(String term) {
        String t = term.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.isEmpty()) return true;
        for (String word : t.split("\\s+")) {
            boolean found = name.value().contains(word)
                    || (description != null && description.toLowerCase(java.util.Locale.ROOT).contains(word))
                    || keywords.stream().anyMatch(k -> k.toLowerCase(java.util.Locale.ROOT).contains(word));
            if (!found) return false;
        }
        return true;
    }
}
