package dev.ebpm.cli.options;

import picocli.CommandLine.Option;

/** {@code -q}, for every command that downloads: no progress bar (there is none either when stderr is not a terminal). */
public final class ProgressOptions {
    @Option(names = {"-q", "--quiet"}, description = "Show no download progress (it is shown only when stderr is a terminal).")
    public boolean quiet;
}
