package dev.ebpm.cli.output;

import dev.ebpm.core.session.Reporter;
import dev.ebpm.registry.TransferListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        return quiet ? TransferListener.NONE : ProgressBar::create;
    }

    /**
     * Whether stderr is a terminal, where the progress bar goes. Not {@link System#console()}: that needs stdin and
     * stdout to be terminals too, so {@code ebpm install x > log} would hide the bar a user watches on stderr.
     */
    public static boolean stderrIsTerminal() {
        return isTerminal(Path.of("/proc/self/fd/2"));
    }

    /**
     * How wide a table may print: {@code $COLUMNS} if set, else the terminal's width when stdout is one (80 if it does
     * not say), else no limit: a pipe or a file gets whole lines, as kubectl and ls give them.
     */
    public static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("[1-9][0-9]{0,4}")) return Integer.parseInt(columns);
        if (!isTerminal(Path.of("/proc/self/fd/1"))) return Integer.MAX_VALUE;
        try {
            // the shell does not export COLUMNS; stty asks the terminal (TIOCGWINSZ) for us
            Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split(" ");
            if (p.waitFor() == 0 && size.length == 2 && size[1].matches("[1-9][0-9]*")) return Integer.parseInt(size[1]);
        } catch (IOException e) {
            // no stty or no /dev/tty: the usual width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    /** Whether the open file {@code fdLink} (a /proc/self/fd entry) is a terminal device: a pseudo-terminal or a tty. */
    static boolean isTerminal(Path fdLink) {
        try {
            String device = Files.readSymbolicLink(fdLink).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
