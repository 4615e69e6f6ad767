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
 * Brings the runs table in line with the processes and pins that exist: a live run whose host (the daemon, or the
 * run's own runner process for runs of ebpm before the daemon) is gone and whose programs went with it becomes
 * KILLED, and whatever an ended run left in bpffs is removed. A host is known by its pid and its start, so a reused
 * pid is never taken for it.
 */
public final class Reconciler {
    /** How long a row may sit in STARTING without a pid (rows of ebpm before the daemon: the CLI recorded it right after spawning). */
    private static final Duration NO_PID_GRACE = Duration.ofSeconds(30);

    private Reconciler() {
    }

    /**
     * True if the run's recorded pid is alive, not a zombie, and is still its host, not a later process that got
     * the same pid. The process is known by its start ({@link #processStart}), fixed at fork: its command line would
     * not do, as it reads empty or half-written while a process is inside execve() (setsid, then java), and a run
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

    /**
     * The record after reconciliation (re-read if it changed). A live run stays live while its host runs, while its
     * programs are pinned (they stay attached; the next daemon adopts them), while its restart policy waits for a
     * daemon to start it again, and while this process cannot see bpffs to tell; otherwise its host died with its
     * programs: it is recorded killed. An ended run's leftover pins are removed.
     */
    public static RunRecord reconcile(LocalStore store, RunRecord r) {
        RunDirectory dir = RunDirectory.of(store.root(), r.id());
        if (r.state().live()) {
            if (hostAlive(r) || waitsForDaemon(r, dir)) return r;
            store.runs().finish(r.id(), RunState.KILLED, null, null, null);
            r = store.runs().find(r.id()).orElse(r);
        }
        if (r.state().live()) return r; // someone else took it over meanwhile
        if (pinsVisible()) dir.removePins();
        return r;
    }

    /** The run's host is alive, or was recorded so recently that it may be about to be. */
    public static boolean hostAlive(RunRecord r) {
        boolean young = r.pid() == null && r.startedAt().isAfter(Instant.now().minus(NO_PID_GRACE));
        return young || isRunner(r);
    }

    /** Live without a host: its programs are pinned, or its restart policy will start it again, or we cannot tell. */
    public static boolean waitsForDaemon(RunRecord r, RunDirectory dir) {
        if (!pinsVisible()) return true;
        if (r.kind().equals("bpf") && dir.pinned()) return true;
        return RestartPolicy.of(r.restart()).afterLoss();
    }

    /** bpffs is root's: a user who cannot look into it cannot tell a pinned run from a dead one. */
    static boolean pinsVisible() {
        return Files.isExecutable(RunDirectory.BPFFS.getParent());
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
