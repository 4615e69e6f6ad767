package dev.ebpm.cli.options;

/** What this build of ebpm is: {@code ebpm --version} and the daemon's status say it. */
public final class Release {
    public static final String VERSION = "0.1.0";

    private Release() {
    }
}
