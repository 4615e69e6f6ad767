package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Brings the runs table in line with the processes that exist: a live run whose runner is gone (SIGKILL, OOM, crash)
 * becomes KILLED, and whatever an ended run left in bpffs is removed. Links and programs held only by the runner's fds
 * were already freed by the kernel when it died.
 */
public final class Reconciler {
    /** How long a row may sit in STARTING without a pid (the CLI records it right after spawning). */
    private static final Duration NO_PID_GRACE = Duration.ofSeconds(30);

    private Reconciler() {
    }

    /**
     * True if the run's recorded pid is alive, not a zombie, and is still its runner, not a later process that got
     * the same pid. The process is known by its start ({@link #processStart}), fixed at fork: its command line would
     * not do, as it reads empty or half-written while the runner is inside execve() (setsid, then java), and a run
     * would be taken for dead in that instant.
     */
    public static boolean isRunner(RunRecord r) {
        Long pid = r.pid();
        if (pid == null || pid <= 0) return false;
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String[] stat = statFields(Files.readString(proc.resolve("stat")));
            char state = stat[0].charAt(0);
            if (state == 'Z' || state == 'X') return false;
            if (r.pidStart() != null) return r.pidStart().equals(bootId() + ":" + stat[STARTTIME]);
            // a row from before schema v5: the runner's argv names its run
            byte[] cmd = Files.readAllBytes(proc.resolve("cmdline"));
            List<String> words = Arrays.asList(new String(cmd, StandardCharsets.UTF_8).split("\0"));
            return words.contains(DetachedRuns.RUNNER_COMMAND) && words.contains(r.id());
        } catch (IOException | RuntimeException e) {
            return false; // gone, or a stat line we cannot read
        }
    }

    /**
     * Which process {@code pid} is, for good: "BOOT_ID:STARTTIME", the boot id and the start time in clock ticks
     * since boot (/proc/PID/stat field 22). Empty if there is no such process.
     */
    public static Optional<String> processStart(long pid) {
        try {
            return Optional.of(bootId() + ":" + statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))[STARTTIME]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Index of starttime in {@link #statFields}, which start at field 3 (state). */
    private static final int STARTTIME = 22 - 3;

    /** The fields of a /proc/PID/stat line after "pid (comm) "; comm may hold spaces and parentheses. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String bootId() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    }

    /** The record after reconciliation (re-read if it changed). */
    public static RunRecord reconcile(LocalStore store, RunRecord r) {
        RunDirectory dir = RunDirectory.of(store.root(), r.id());
        if (r.state().live()) {
            boolean young = r.pid() == null && r.startedAt().isAfter(Instant.now().minus(NO_PID_GRACE));
            if (young || isRunner(r)) return r;
            store.runs().finish(r.id(), RunState.KILLED, null, null, null);
            r = store.runs().find(r.id()).orElse(r);
        }
        dir.removePins();
        return r;
    }

    public static int currentUid() {
        return dev.ebpm.core.session.UnixUser.current().uid();
    }

    /** Refuses to act on another user's run, unless root. */
    public static void checkOwner(RunRecord r) {
        int me = currentUid();
        if (me != 0 && me != r.uid()) throw new RunException("run " + r.id() + " belongs to uid " + r.uid());
    }
}
