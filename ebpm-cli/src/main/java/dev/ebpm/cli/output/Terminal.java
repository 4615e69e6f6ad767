package dev.ebpm.cli.output;

import dev.ebpm.core.session.Reporter;
import dev.ebpm.registry.TransferListener;

/** How the CLI shows what ebpm-core reports: warnings and notes on stderr, a progress bar per download. */
public final class Terminal {
    private Terminal() {
    }

    public static final Reporter REPORTER = new Reporter() {
        @Override
        public void warning(String message) {
            System.err.println("ebpm: warning: " + message);
        }

        @Override
        public void note(String message) {
            System.err.println("ebpm: " + message);
        }
    };

    /** A progress bar per download, or nothing when {@code quiet}. */
    public static TransferListener progress(boolean quiet) {
        return quiet ? TransferListener.NONE : (what, total) -> ProgressBar.create(what, total, false);
    }
}
