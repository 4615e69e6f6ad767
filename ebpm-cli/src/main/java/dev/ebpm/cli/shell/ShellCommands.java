package dev.ebpm.cli.shell;

/** The commands about ebpm's surroundings (its directories and variables, shell completion), for Main to register. */
public final class ShellCommands {
    public static final Class<?>[] ALL = {
        EnvCommand.class,
        CompletionCommand.class,
        CompleteCommand.class,
    };

    private ShellCommands() {
    }
}
