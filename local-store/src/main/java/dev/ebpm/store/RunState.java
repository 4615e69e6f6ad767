package dev.ebpm.store;

/**
 * Where a detached run is. STARTING and RUNNING are live: a host (the daemon) runs it, or its programs are pinned
 * and wait for a daemon to adopt them, or its restart policy waits for one; the other three are final.
 */
public enum RunState {
    /** recorded, programs not attached yet (or being attached again by the restart policy) */
    STARTING,
    /** programs attached, events flowing to the log */
    RUNNING,
    /** ended and recorded how (stopped, duration over, guest exited) */
    EXITED,
    /** could not load or attach; {@link RunRecord#error()} says why */
    FAILED,
    /** its host disappeared without recording an end and nothing kept its programs (SIGKILL with no pins, a reboot) */
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
