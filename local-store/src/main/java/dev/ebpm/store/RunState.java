package dev.ebpm.store;

/**
 * Where a detached run is. STARTING and RUNNING have a live runner (or one reconciliation has not seen die yet);
 * the other three are final.
 */
public enum RunState {
    /** recorded, runner spawned, programs not attached yet */
    STARTING,
    /** programs attached, events flowing to the log */
    RUNNING,
    /** the runner ended and recorded how (stopped by a signal, duration over, guest exited) */
    EXITED,
    /** the runner could not load or attach; {@link RunRecord#error()} says why */
    FAILED,
    /** the runner disappeared without recording an end (SIGKILL, OOM killer, crash) */
    KILLED;

    public boolean live() {
        return this == STARTING || this == RUNNING;
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunState of(String id) {
        return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
}
