package dev.ebpm.cli.store;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List installed packages (* marks the current version).")
public final class ListCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--running", description = "List running programs instead (as ebpm ps).")
    boolean running;

    @Override
    public Integer call() throws Exception {
        List<InstalledVersion> all;
        try (Session s = store.session()) {
            if (running) return dev.ebpm.cli.lifecycle.PsCommand.list(s, false, json, false);
            Inventory inventory = new Inventory(s);
            if (json) {
                System.out.write(inventory.listJson());
                System.out.flush();
                return 0;
            }
            all = inventory.list();
        }
        if (all.isEmpty()) {
            System.out.println("no packages installed");
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (InstalledVersion v : all) {
            rows.add(List.of(v.name().value(), (v.current() ? "*" : " ") + v.version(), v.kind().id(), StoreOutput.size(v.totalSize()),
                    StoreOutput.when(v), v.signatureStatus() == null ? "-" : v.signatureStatus(),
                    v.source() == null ? "-" : v.source().toString()));
        }
        dev.ebpm.cli.output.TextTable.print(System.out, List.of("NAME", " VERSION", "KIND", "SIZE", "INSTALLED", "SIGNATURE", "SOURCE"), rows);
        return 0;
    }
}
