package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import java.util.Locale;

/**
 * {@code ebpm run -d --restart}: when the daemon starts a run again from its verified copy. A run stopped with
 * {@code ebpm stop} is never restarted.
 */
public enum RestartPolicy {
    /** never */
    NO,
    /** whenever it ends by itself (duration over, guest exited, a failure) or its programs were lost (a reboot) */
    ALWAYS,
    /** when it ends with an error, or its programs were lost (a reboot, a daemon that died while nothing was pinned) */
    ON_FAILURE;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws RunException naming the word and the choices */
    public static RestartPolicy of(String id) {
        for (RestartPolicy p : values()) if (p.id().equals(id)) return p;
        throw new RunException("--restart expects always, on-failure or no, got '" + RunId.printable(id) + "'");
    }

    /** After the run ended by itself, {@code failed} or not. */
    public boolean afterEnd(boolean failed) {
        return this == ALWAYS || (this == ON_FAILURE && failed);
    }

    /** After its programs were lost with its host (no pins survived). */
    public boolean afterLoss() {
        return this != NO;
    }
}
