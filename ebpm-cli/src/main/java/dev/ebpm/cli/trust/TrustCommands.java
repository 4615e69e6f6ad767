package dev.ebpm.cli.trust;

/** The trust commands, for Main to register. */
public final class TrustCommands {
    public static final Class<?>[] ALL = {KeyCommand.class, SignCommand.class};

    private TrustCommands() {
    }
}
