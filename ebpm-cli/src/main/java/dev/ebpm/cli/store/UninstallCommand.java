package dev.ebpm.cli.store;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "uninstall", description = {"Remove a package, or one version of it, from the store.", "", "Remove a package (every version) or one version of it from the local store."})
public final class UninstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "NAME[@VERSION]", arity = "1..*", description = "Package, optionally at one version (or a range).")
    List<String> specs;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        List<PackageSpec> parsed = specs.stream().map(PackageSpec::parse).toList();
        try (Session s = store.session()) {
            Inventory inventory = new Inventory(s);
            List<String> removed = new java.util.ArrayList<>();
            for (PackageSpec p : parsed) {
                for (String id : inventory.uninstall(p)) {
                    removed.add(id);
                    if (!json) System.out.println("removed " + id);
                }
            }
            if (json) StoreOutput.json(System.out, java.util.Map.of("removed", removed));
        }
        return 0;
    }
}
