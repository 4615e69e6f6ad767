package dev.ebpm.core.hub;

import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;

import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves a {@link PackageSpec} over hubs in priority order: the first hub that has the name decides, and within it
 * the highest non-yanked version in the range wins. A hub that cannot answer is reported and skipped; if no hub has
 * the package the message names every hub tried and why the unreachable ones failed.
 */
public final class HubResolver {
    private final List<Hub> hubs;
    private final Consumer<String> warnings;

    /** @param warnings where "hub X skipped: why" goes */
    public HubResolver(List<Hub> hubs, Consumer<String> warnings) {
        this.hubs = List.copyOf(hubs);
        this.warnings = warnings;
    }

    /** A chosen version on a hub. */
    public record Resolution(Hub hub, HubPackage pkg, HubVersion version) {
        public String id() {
            return pkg.name() + "@" + version.version();
        }
    }

    /** One search result. */
    public record SearchHit(String hub, HubPackage pkg) {}

    public List<Hub> hubs() {
        return hubs;
    }

    public Optional<Hub> hub(String name) {
        return hubs.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Resolution resolve(PackageSpec.Named spec) {
        List<Hub> candidates = candidates(spec.hub());
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        boolean allOffline = true;
        for (Hub hub : candidates) {
            Optional<HubPackage> found;
            try {
                found = hub.find(spec.name());
            } catch (RegistryException e) {
                failures.add(hub.name() + ": " + e.getMessage());
                skipped.add("hub " + hub.name() + " skipped: " + e.getMessage());
                allOffline &= e instanceof OfflineException;
                continue;
            }
            if (found.isEmpty()) continue;
            // a hub that failed before this one is worth a warning; when none has it, the error below says why, once
            skipped.forEach(warnings);
            return choose(hub, found.get(), spec);
        }
        String tried = candidates.stream().map(Hub::name).collect(Collectors.joining(", "));
        String msg = "no package " + spec.name() + " on " + (candidates.size() == 1 ? "hub " : "hubs ") + tried;
        if (!failures.isEmpty()) {
            msg += " (" + String.join("; ", failures) + ")";
            if (allOffline) throw new OfflineException(msg);
        }
        throw new RegistryException(msg);
    }

    /** Every hub's matches, in hub order; hubs that fail are reported and skipped. */
    public List<SearchHit> search(String term) {
        List<SearchHit> out = new ArrayList<>();
        for (Hub hub : hubs) {
            try {
                for (HubPackage p : hub.search(term)) out.add(new SearchHit(hub.name(), p));
            } catch (RegistryException e) {
                warnings.accept("hub " + hub.name() + " skipped: " + e.getMessage());
            }
        }
        return out;
    }

    private Resolution choose(Hub hub, HubPackage pkg, PackageSpec.Named spec) {
        if (hub.unversioned()) {
            HubVersion only = pkg.versions().get(0);
            boolean matches = spec.anyVersion() || (spec.exact() != null ? spec.exact().equals(only.version())
                    : spec.range().matches(only.version()));
            if (!matches) {
                String what = only.version().toString().startsWith("0.0.0-static")
                        ? " is unversioned (a static hub serves one copy, " + only.version() + ")"
                        : " has one version only (" + only.version() + "), which does not match " + spec.range();
                throw new RegistryException(pkg.name() + " on hub " + hub.name() + what + "; ask for " + pkg.name() + " without a version");
            }
            return new Resolution(hub, pkg, only);
        }
        if (spec.exact() != null) {
            HubVersion v = pkg.exactly(spec.exact()).orElseThrow(() -> new RegistryException(
                    pkg.name() + "@" + spec.exact() + " is not on hub " + hub.name() + "; it has " + listVersions(pkg)));
            if (v.yanked()) {
                throw new RegistryException(pkg.name() + "@" + v.version() + " on hub " + hub.name() + " is yanked; pick another version ("
                        + listVersions(pkg) + ")");
            }
            return new Resolution(hub, pkg, v);
        }
        Optional<HubVersion> best = spec.anyVersion() ? pkg.current() : pkg.highest(spec.range());
        return new Resolution(hub, pkg, best.orElseThrow(() -> new RegistryException("no version of " + pkg.name() + " on hub "
                + hub.name() + " matches " + spec.range() + "; it has " + listVersions(pkg))));
    }

    static String listVersions(HubPackage pkg) {
        if (pkg.versions().isEmpty()) return "no versions";
        return pkg.versions().stream().map(v -> v.version() + (v.yanked() ? " (yanked)" : "")).collect(Collectors.joining(", "));
    }

    private List<Hub> candidates(String hubName) {
        if (hubName == null) return hubs;
        return List.of(hub(hubName).orElseThrow(() -> new RegistryException("no hub named " + hubName + " (read as HUB/NAME; configured: "
                + hubs.stream().map(Hub::name).collect(Collectors.joining(", ")) + ")")));
    }
}
