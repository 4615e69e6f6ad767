package dev.ebpm.cli.lifecycle;

/** The commands around detached runs (`ebpm run -d` lives in RunCommand), for Main to register. */
public final class LifecycleCommands {
    public static final Class<?>[] ALL = {
        PsCommand.class,
        LogsCommand.class,
        StopCommand.class,
        DaemonCommand.class,
    };

    private LifecycleCommands() {
    }
}
