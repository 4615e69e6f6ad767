package dev.ebpm.cli.hub;

import dev.ebpm.registry.HubClient;
import dev.ebpm.registry.HubConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every hub command takes (a picocli mixin). */
public final class HubOptions {
    @Option(names = "--offline", description = "never use the network: cached indexes and downloads only (also EBPM_OFFLINE=1)")
    boolean offline;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Option(names = "--store", paramLabel = "DIR", description = "store directory (default $EBPM_HOME or ~/.local/share/ebpm)")
    Path store;

    Path storeRoot() {
        return HubPackageSource.storeRoot(store);
    }

    HubClient client() {
        return new HubClient(HubPackageSource.options(storeRoot(), offline, quiet, false).lock(null, false));
    }

    HubConfig config() {
        return HubConfig.load(new StoreHubConfig(storeRoot()));
    }

    HubPackageSource source(boolean locked) {
        return HubPackageSource.open(storeRoot(), offline, quiet, locked);
    }
}
