package dev.ebpm.cli.hub;

import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.ProgressOptions;
import dev.ebpm.cli.options.RegistryFlags;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import picocli.CommandLine.Mixin;

/** Options every hub command takes (a picocli mixin); those that download add {@link ProgressOptions}. */
public final class HubOptions {
    @Mixin NetworkOptions network = new NetworkOptions();

    @Mixin StoreOptions store = new StoreOptions();

    @Mixin RegistryFlags registries = new RegistryFlags();

    /** A session that shows no download progress (the command downloads nothing large). */
    Session session() {
        return open(true, false);
    }

    Session session(ProgressOptions progress, boolean locked) {
        return open(progress.quiet, locked);
    }

    private Session open(boolean quiet, boolean locked) {
        return Session.open(registries.apply(store.settings(network.offline, quiet, locked)));
    }
}
