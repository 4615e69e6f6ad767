package dev.ebpm.cli.output;

import dev.ebpm.registry.TransferListener;
import java.io.PrintStream;

/**
 * A one-line download progress bar on stderr, shown only once a download has taken more than a second, redrawn at
 * most ten times a second, and never when quiet or when stderr is not a terminal.
 */
public final class ProgressBar implements TransferListener.Transfer {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean shown;

    private ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /** A bar on stderr, or one that draws nothing when stderr is not a terminal (a file, a pipe, a test). */
    public static ProgressBar create(String label, long total) {
        return new ProgressBar(Terminal.stderrIsTerminal() ? System.err : null, label, total);
    }

    @Override
    public void progressed(long done) {
        if (out == null) return;
        long now = System.nanoTime();
        if (now - start < SHOW_AFTER_NANOS || now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        shown = true;
        out.print("\r" + line(done, now));
        out.flush();
    }

    @Override
    public void finished(long done) {
        if (out == null || !shown) return;
        out.print("\r" + line(done, System.nanoTime()) + "\n");
        out.flush();
    }

    private String line(long done, long now) {
        double secs = Math.max(1e-3, (now - start) / 1e9);
        String rate = mib(done / secs) + "/s";
        if (total <= 0) return String.format("%s %s %s", label, mib(done), rate);
        int width = 30;
        int filled = (int) Math.min(width, width * done / total);
        return String.format("%s [%s%s] %3d%% %s/%s %s", label, "#".repeat(filled), " ".repeat(width - filled),
                (int) (100 * done / total), mib(done), mib(total), rate);
    }

    private static String mib(double bytes) {
        return bytes < 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024) : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }
}
