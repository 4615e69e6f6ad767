package dev.ebpm.store;

import java.util.Locale;

/** With {@code EBPM_TIMING=1}, phases of install and run report their wall time on stderr (bench/trust reads them). */
public final class Timing {
    private static final boolean ON = "1".equals(System.getenv("EBPM_TIMING"));

    private Timing() {
    }

    public static long start() {
        return ON ? System.nanoTime() : 0;
    }

    public static void report(String phase, long startNanos) {
        if (ON) System.err.printf(Locale.ROOT, "ebpm: timing: %s %.3f ms%n", phase, (System.nanoTime() - startNanos) / 1e6);
    }
}
