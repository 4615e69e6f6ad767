package dev.ebpm.cli.store;

import dev.ebpm.store.LocalStore;
import dev.ebpm.store.StoreLocation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store PATH}, shared by every command that touches the local store. */
public final class StoreOptions {
    @Option(names = "--store", paramLabel = "PATH",
            description = "Local store directory (default: $EBPM_HOME, else $XDG_DATA_HOME/ebpm, else ~/.local/share/ebpm).")
    Path store;

    public Path root() {
        return StoreLocation.resolve(store);
    }

    public LocalStore open() {
        return LocalStore.open(root());
    }
}
