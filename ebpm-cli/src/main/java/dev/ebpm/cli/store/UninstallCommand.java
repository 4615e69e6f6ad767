package dev.ebpm.cli.store;

import dev.ebpm.store.LocalStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "uninstall", description = "Remove a package (every version) or one version of it from the local store.")
public final class UninstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "NAME[@VERSION]", arity = "1..*", description = "Package, optionally at one version.")
    List<String> specs;

    @Override
    public Integer call() throws Exception {
        List<PackageSpec> parsed = specs.stream().map(PackageSpec::parse).toList();
        try (LocalStore s = store.open()) {
            for (PackageSpec p : parsed) {
                for (String id : s.uninstall(p.name(), p.versionOrNull())) System.out.println("removed " + id);
            }
        }
        return 0;
    }
}
