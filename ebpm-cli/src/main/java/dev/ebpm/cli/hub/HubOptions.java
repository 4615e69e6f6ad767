package dev.ebpm.cli.hub;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every hub command takes (a picocli mixin). */
public final class HubOptions {
    @Option(names = "--offline", description = "never use the network: cached indexes and downloads only (also EBPM_OFFLINE=1)")
    boolean offline;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Mixin StoreOptions store = new StoreOptions();

    Session session() {
        return session(false);
    }

    Session session(boolean locked) {
        return Session.open(store.settings(offline, quiet, locked));
    }
}
