package dev.ebpm.cli.build;

/** The subcommands this package contributes, for Main to register. */
public final class BuildCommands {
    public static final Class<?>[] ALL = {BuildCommand.class, InitCommand.class, PlaygroundCommand.class};

    private BuildCommands() {}
}
