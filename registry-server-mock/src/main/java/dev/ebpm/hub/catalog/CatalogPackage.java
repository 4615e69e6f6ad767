package dev.ebpm.hub.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A package as the pages show it. Its metadata comes from the version {@link #shown()}, as the index's does from the
 * current one.
 *
 * @param versions oldest first (semver order)
 * @param owners   the publishers who may publish and yank it, by name
 */
public record CatalogPackage(String name, List<String> owners, List<CatalogVersion> versions) {
    public CatalogPackage {
        owners = List.copyOf(owners);
        versions = List.copyOf(versions);
        if (versions.isEmpty()) throw new IllegalArgumentException("package " + name + " has no versions");
    }

    /**
     * The version {@code ebpm install NAME} picks, as the client chooses it: the highest that is not yanked, a
     * prerelease only when there is nothing else; with every version yanked, the newest.
     */
    public CatalogVersion shown() {
        CatalogVersion release = null;
        CatalogVersion pre = null;
        for (CatalogVersion v : versions) {
            if (v.yanked()) continue;
            if (v.version().isPrerelease()) pre = v;
            else release = v;
        }
        return release != null ? release : pre != null ? pre : versions.get(versions.size() - 1);
    }

    /** True when every version is yanked: nothing installs by name. */
    public boolean allYanked() {
        return versions.stream().allMatch(CatalogVersion::yanked);
    }

    public String description() {
        return shown().manifest().description();
    }

    public List<String> keywords() {
        return shown().manifest().keywords();
    }

    /** The version by its exact spelling, e.g. {@code 1.2.0}. */
    public Optional<CatalogVersion> version(String version) {
        return versions.stream().filter(v -> v.version().toString().equals(version)).findFirst();
    }

    /** When a version was last published (ISO-8601 sorts as text). */
    public String updatedAt() {
        return versions.stream().map(CatalogVersion::publishedAt).max(String::compareTo).orElseThrow();
    }
}
