package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.UserError;
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

/**
 * Brings the runs table in line with the processes that exist: a live run whose runner is gone (SIGKILL, OOM, crash)
 * becomes KILLED, and whatever an ended run left in bpffs is removed. Links and programs held only by the runner's fds
 * were already freed by the kernel when it died.
 */
final class Reconciler {
    /** How long a row may sit in STARTING without a pid (the CLI records it right after spawning). */
    private static final Duration NO_PID_GRACE = Duration.ofSeconds(30);

    private Reconciler() {
    }

    /** True if {@code pid} is alive, not a zombie, and is the runner of run {@code id} (not a reused pid). */
    static boolean isRunner(Long pid, String id) {
        if (pid == null || pid <= 0) return false;
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            if (state == 'Z' || state == 'X') return false;
            byte[] cmd = Files.readAllBytes(proc.resolve("cmdline"));
            List<String> words = Arrays.asList(new String(cmd, StandardCharsets.UTF_8).split("\0"));
            return words.contains(RunnerCommand.NAME) && words.contains(id);
        } catch (IOException e) {
            return false;
        }
    }

    /** The record after reconciliation (re-read if it changed). */
    static RunRecord reconcile(LocalStore store, RunRecord r) {
        RunDirectory dir = RunDirectory.of(store.root(), r.id());
        if (r.state().live()) {
            boolean young = r.pid() == null && r.startedAt().isAfter(Instant.now().minus(NO_PID_GRACE));
            if (young || isRunner(r.pid(), r.id())) return r;
            store.runs().finish(r.id(), RunState.KILLED, null, null, null);
            r = store.runs().find(r.id()).orElse(r);
        }
        dir.removePins();
        return r;
    }

    static int currentUid() {
        return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /** Refuses to act on another user's run, unless root. */
    static void checkOwner(RunRecord r) {
        int me = currentUid();
        if (me != 0 && me != r.uid()) throw new UserError("run " + r.id() + " belongs to uid " + r.uid());
    }
}
