package dev.ebpm.core.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.pkg.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a store's daemon is found, beside its runs ({@link RunDirectory#runsRoot}): the Unix socket it serves
 * ({@code daemon.sock}), the lock that makes it the only one ({@code daemon.lock}), who it is ({@code daemon.json})
 * and what it logs ({@code daemon.log}).
 */
public record DaemonPaths(Path socket, Path lock, Path info, Path log) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static DaemonPaths of(Path storeRoot) {
        Path runs = RunDirectory.runsRoot(storeRoot);
        return new DaemonPaths(runs.resolve("daemon.sock"), runs.resolve("daemon.lock"), runs.resolve("daemon.json"), runs.resolve("daemon.log"));
    }

    /**
     * Who the daemon is: its process (pid and start, as a run's host is recorded), the group its socket admits, and when
     * it started. Runs whose host is this process are the daemon's.
     */
    public record Info(long pid, String pidStart, String group, String startedAt, String version) {
        /** Whether that very process still runs. */
        public boolean alive() {
            return pidStart != null && pidStart.equals(Reconciler.processStart(pid).orElse(null));
        }

        public boolean hosts(Long runPid, String runPidStart) {
            return runPid != null && runPid == pid && pidStart != null && pidStart.equals(runPidStart);
        }
    }

    /** What the last daemon wrote about itself, if anything (it may be gone since: see {@link Info#alive()}). */
    public Optional<Info> readInfo() {
        try {
            return Optional.of(JSON.readValue(info.toFile(), Info.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void writeInfo(long pid, String pidStart, String group, String version) throws IOException {
        AtomicFiles.replace(info, JSON.writeValueAsBytes(new Info(pid, pidStart, group, Instant.now().toString(), version)));
    }
}
