package dev.ebpm.cli.shell;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.session.Session;
import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ebpm __complete packages|runs}: what the completion scripts offer for a package or a run id, one a line, from
 * the store as it is (none is created). Quiet whatever happens: a completion must never print an error into the
 * command line being typed.
 */
@Command(name = "__complete", hidden = true, description = "Print installed package names or run ids, one a line, for shell completion.")
public final class CompleteCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "WHAT", description = "packages or runs")
    CompletionScripts.Candidates what;

    @Override
    public Integer call() {
        try (Session s = store.session()) {
            Collection<String> names = switch (what) {
                case packages -> new TreeSet<>(new Inventory(s).list().stream().map(v -> v.name().value()).toList());
                case runs -> new DetachedRuns(s).list(true).stream().map(l -> l.run().id()).toList();
            };
            names.forEach(System.out::println);
        } catch (RuntimeException e) {
            // nothing to offer (no store, one root owns, a store being migrated): the shell offers nothing
            return 0;
        }
        return 0;
    }
}
