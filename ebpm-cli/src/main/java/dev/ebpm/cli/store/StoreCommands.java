package dev.ebpm.cli.store;

/** The local-store commands, for Main to register. */
public final class StoreCommands {
    public static final Class<?>[] ALL = {
        InstallCommand.class,
        ListCommand.class,
        InfoCommand.class,
        UninstallCommand.class,
        CacheCommand.class,
        GcCommand.class,
        PackCommand.class,
        PullCommand.class,
        ExportCommand.class,
        ImportCommand.class,
    };

    private StoreCommands() {
    }
}
