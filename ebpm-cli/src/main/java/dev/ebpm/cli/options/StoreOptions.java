package dev.ebpm.cli.options;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.core.session.Directories;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store PATH}, shared by every command that touches the local store; opens the command's one session. */
public final class StoreOptions {
    @Option(names = "--store", paramLabel = "PATH",
            description = "Local store directory (default: $EBPM_HOME, else for root /var/lib/ebpm, else $XDG_DATA_HOME/ebpm, else ~/.local/share/ebpm).")
    Path store;

    public Path root() {
        return Directories.store(store);
    }

    /** The settings a command runs with: this store, the CLI's reporter, progress unless {@code quiet}. */
    public Settings settings(boolean offline, boolean quiet, boolean locked) {
        return Settings.defaults(root()).offline(offline).locked(locked).reporter(Terminal.REPORTER).transfers(Terminal.progress(quiet));
    }

    public Session session() {
        return Session.open(settings(false, true, false));
    }
}
