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
            System.err.println("ebpm: warning: " + escape(message));
        }

        @Override
        public void note(String message) {
            System.err.println("ebpm: " + escape(message));
        }
    };

    /**
     * Text from a package (descriptions, help, names in messages) made safe to print: control characters that a
     * terminal would act on (ESC starting ANSI/OSC sequences, BEL, CR, backspace, DEL, the C1 controls such as CSI, and
     * the bidirectional overrides that reorder what is shown) are written as visible escapes ({@code \x1b},
     * {@code \u202e}); newlines and tabs stay. Every place the CLI prints package-supplied text goes through this.
     */
    public static String escape(String text) {
        if (text == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
            if (control && b == null) b = new StringBuilder(text.length() + 16).append(text, 0, i);
            if (b == null) continue;
            if (!control) b.append(c);
            else if (c <= 0xff) b.append(String.format("\\x%02x", (int) c));
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b == null ? text : b.toString();
    }

    /** A progress bar per download, or nothing when {@code quiet}. */
    public static TransferListener progress(boolean quiet) {
        return quiet ? TransferListener.NONE : (what, total) -> ProgressBar.create(what, total, false);
    }
}
