package dev.ebpm.cli.hub;

/** The subcommands this package contributes, for Main to register. */
public final class HubCommands {
    public static final Class<?>[] ALL = {SearchCommand.class, PublishCommand.class, YankCommand.class, UpdateCommand.class, HubCommand.class,
        PushCommand.class, LoginCommand.class, LogoutCommand.class};

    private HubCommands() {}
}
