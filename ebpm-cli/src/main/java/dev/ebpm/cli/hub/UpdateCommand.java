package dev.ebpm.cli.hub;

import dev.ebpm.cli.UserError;
import dev.ebpm.pkg.Version;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Lockfile;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ebpm update [NAME...]}: re-resolves locked packages against fresh indexes, downloads and verifies the newest
 * versions and moves ebpm.lock to them (cargo's meaning of update).
 */
@Command(name = "update", description = {"Fetch fresh hub indexes and move ebpm.lock to the newest version of each",
        "package (or only NAME), downloading and verifying it."})
public final class UpdateCommand implements Runnable {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "packages to update (default: every package in ebpm.lock)")
    List<String> names = new ArrayList<>();

    @Mixin HubOptions hub;

    @Override
    public void run() {
        Lockfile lock = Lockfile.load(Lockfile.defaultLocation(hub.storeRoot()));
        List<String> todo = new ArrayList<>(names);
        if (todo.isEmpty()) lock.entries().forEach(e -> todo.add(e.name().value()));
        if (todo.isEmpty()) {
            System.out.println("nothing to update: " + lock.file() + " pins no packages");
            return;
        }
        HubPackageSource source = hub.source(false);
        for (String n : todo) {
            Version before = lock.entries().stream().filter(e -> e.name().value().equals(n)).map(Lockfile.Entry::version).findFirst().orElse(null);
            if (before == null && !names.isEmpty()) throw new UserError(n + " is not in " + lock.file());
            FetchedPackage f = source.fetch(n);
            Version after = f.manifest().version();
            System.out.println(before != null && before.equals(after) ? n + " " + after + " (up to date)" : n + " " + before + " -> " + after);
        }
    }
}
