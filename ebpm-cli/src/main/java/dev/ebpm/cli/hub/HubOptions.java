package dev.ebpm.cli.hub;

import dev.ebpm.cli.options.RegistryFlags;
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

    @Mixin RegistryFlags registries = new RegistryFlags();

    Session session() {
        return session(false);
    }

    Session session(boolean locked) {
        return Session.open(registries.apply(store.settings(offline, quiet, locked)));
    }
}
