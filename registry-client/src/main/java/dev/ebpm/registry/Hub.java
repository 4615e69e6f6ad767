package dev.ebpm.registry;

import dev.ebpm.pkg.PackageName;
import java.util.List;
import java.util.Optional;

/**
 * One configured source of packages, opened by its {@link HubTransport}: it finds a package's versions, searches, and
 * downloads one version verified against what it announced. Choosing among hubs and versions, trust and storing are
 * the repository system's (ebpm-core), not the hub's.
 */
public interface Hub {
    /** The name the user gave this hub (qualifies package names as {@code hub/name}). */
    String name();

    /** Where it is, for messages. */
    String location();

    /** The package and its versions, or empty if this hub does not have it. Throws {@link RegistryException} if the hub cannot answer. */
    Optional<HubPackage> find(PackageName name);

    /** Packages whose name, description or keywords contain {@code term}; hubs that cannot list return what they can. */
    List<HubPackage> search(String term);

    /** Downloads and verifies one version. */
    FetchedPackage fetch(HubPackage pkg, HubVersion version);

    /** True if this hub has no versions: each package is whatever file it serves now. */
    default boolean unversioned() {
        return false;
    }
}
