package dev.ebpm.store;

import java.time.Instant;
import java.util.List;

/**
 * One program started with {@code ebpm run -d}: a row of the {@code runs} table.
 *
 * @param args         the words the runner re-parses: ebpm's run options, the package, the package's own options
 * @param pid          the process hosting the run: the daemon, or (rows of ebpm before the daemon) the run's own runner
 * @param pidStart     which process that pid was: boot id and start time ("BOOT_ID:TICKS"); null in rows written
 *                     before schema v5, which are matched by command line instead
 * @param state        see {@link RunState}
 * @param exitCode     the runner's exit status when it recorded one (a WASM guest's own status)
 * @param signal       the signal that ended the run ("TERM", "KILL"), when known
 * @param error        why a run failed to start, in one line
 * @param attachPoints one per link: {@code kill_entry -> tracepoint/syscalls/sys_enter_kill}
 * @param restart      when the daemon starts the run again: "no", "always", "on-failure"
 * @param restarts     how often it did
 */
public record RunRecord(
        String id,
        String packageName,
        String version,
        String kind,
        List<String> args,
        Long pid,
        String pidStart,
        int uid,
        Instant startedAt,
        Instant endedAt,
        RunState state,
        Integer exitCode,
        String signal,
        String error,
        String logPath,
        List<String> attachPoints,
        String restart,
        int restarts) {

    public RunRecord {
        args = List.copyOf(args);
        attachPoints = List.copyOf(attachPoints);
    }

    /** A new run, before it is attached. */
    public static RunRecord starting(String id, String packageName, String version, String kind, List<String> args,
            int uid, String logPath, String restart) {
        return new RunRecord(id, packageName, version, kind, args, null, null, uid, Instant.now(), null, RunState.STARTING,
                null, null, null, logPath, List.of(), restart, 0);
    }
}
