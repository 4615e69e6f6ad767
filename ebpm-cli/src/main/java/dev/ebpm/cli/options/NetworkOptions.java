package dev.ebpm.cli.options;

import picocli.CommandLine.Option;

/** {@code --offline}, for every command that could touch the network; maps to the session's offline setting. */
public final class NetworkOptions {
    @Option(names = "--offline", description = "Use no network: the store, cached hub indexes and cached downloads only (also EBPM_OFFLINE=1).")
    public boolean offline;
}
