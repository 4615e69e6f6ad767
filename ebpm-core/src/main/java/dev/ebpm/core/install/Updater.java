package dev.ebpm.core.install;

import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.hub.Lockfile;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.core.trust.PackageTrust;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.registry.FetchedPackage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ebpm update [NAME...]}: re-resolves locked packages against fresh indexes, downloads and verifies the newest
 * versions (digests and the trust policy) and moves ebpm.lock to them (cargo's meaning of update).
 */
public final class Updater {
    /** One package's move: {@code before} is null if it was not locked. */
    public record Move(String name, Version before, Version after) {}

    private final Session session;

    public Updater(Session session) {
        this.session = session;
    }

    public Path lockfile() {
        return Lockfile.defaultLocation(session.storeRoot());
    }

    /** @param names the packages to update; empty: every package in ebpm.lock */
    public List<Move> update(List<String> names) {
        Keys keys = new Keys(session);
        Hubs hubs = new Hubs(session, keys);
        Lockfile lock = Lockfile.load(hubs.lockfile());
        List<String> todo = new ArrayList<>(names);
        if (todo.isEmpty()) lock.entries().forEach(e -> todo.add(e.name().value()));
        List<Move> moves = new ArrayList<>();
        for (String n : todo) {
            Version before = lock.entries().stream().filter(e -> e.name().value().equals(n)).map(Lockfile.Entry::version).findFirst().orElse(null);
            if (before == null && !names.isEmpty()) throw new SpecException(n + " is not in " + lock.file());
            PackageSpec spec = PackageSpec.parse(n);
            if (!(spec instanceof PackageSpec.Named named)) throw new SpecException("update takes package names, not " + spec.form() + " (\"" + n + "\")");
            FetchedPackage f = hubs.fetch(named);
            hubs.refusing(f, () -> new PackageTrust(keys.ring(), session::warn).decide(f.hub(), "hub " + f.hub(), f.signature(), f.pkg(),
                    hubs.allowsUnsigned(f.hub()), TrustPolicy.Action.INSTALL));
            hubs.lock(f);
            moves.add(new Move(n, before, f.manifest().version()));
        }
        return moves;
    }
}
