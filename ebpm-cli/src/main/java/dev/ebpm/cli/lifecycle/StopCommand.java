package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.store.StoreOptions;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import dev.ebpm.store.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", description = {
    "Stop detached runs: SIGTERM asks each runner to detach its programs and exit; one still alive after --timeout",
    "is killed (SIGKILL) and what it pinned is removed. By NAME, every running run of that package stops.",
})
public final class StopCommand implements Callable<Integer> {
    private static final java.util.regex.Pattern PACKAGE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID|NAME", description = "a run id (see ebpm ps) or a package name")
    String target;

    @Option(names = "--all", description = "stop every running run (of yours, or everyone's as root)")
    boolean all;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "wait this long after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Mixin StoreOptions store = new StoreOptions();

    @Override
    public Integer call() {
        if (all == (target != null)) throw new UserError("stop needs a run id, a package name or --all");
        if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) throw new UserError("--timeout expects seconds >= 0");
        try (LocalStore s = store.open()) {
            List<RunRecord> runs = targets(s);
            if (runs.isEmpty()) {
                System.err.println("ebpm: no running programs to stop");
                return 0;
            }
            for (RunRecord r : runs) ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroy);
            long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
            List<RunRecord> left = new ArrayList<>(runs);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                left.removeIf(r -> !Reconciler.isRunner(r));
                if (!left.isEmpty()) sleep(20);
            }
            for (RunRecord r : left) {
                if (!Reconciler.isRunner(r)) continue;
                ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
                long until = System.nanoTime() + 5_000_000_000L;
                while (Reconciler.isRunner(r) && System.nanoTime() < until) sleep(20);
                s.runs().finish(r.id(), RunState.KILLED, null, "KILL", "did not stop within " + timeoutSeconds + " s of SIGTERM");
                System.err.println("ebpm: run " + r.id() + " did not stop in time: killed");
            }
            for (RunRecord r : runs) {
                Reconciler.reconcile(s, s.runs().find(r.id()).orElse(r));
                System.out.println(r.id());
            }
        }
        return 0;
    }

    private List<RunRecord> targets(LocalStore s) {
        int me = Reconciler.currentUid();
        List<RunRecord> out = new ArrayList<>();
        if (all) {
            for (RunRecord r : s.runs().list(false)) {
                r = Reconciler.reconcile(s, r);
                if (r.state().live() && (me == 0 || me == r.uid())) out.add(r);
            }
            return out;
        }
        if (RunId.isValid(target)) {
            var found = s.runs().find(target);
            if (found.isPresent()) {
                RunRecord r = Reconciler.reconcile(s, found.get());
                Reconciler.checkOwner(r);
                if (!r.state().live()) {
                    throw new UserError("run " + r.id() + " (" + r.packageName() + ") is not running: " + PsCommand.describe(r)
                            + (r.endedAt() == null ? "" : " at " + r.endedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
                }
                out.add(r);
                return out;
            }
            if (!hasRunsOf(s, target)) throw new UserError("no run with id " + target + " (see ebpm ps -a)");
        } else if (!PACKAGE_NAME.matcher(target).matches()) {
            RunId.require(target);
        }
        for (RunRecord r : s.runs().list(false)) {
            if (!r.packageName().equals(target)) continue;
            r = Reconciler.reconcile(s, r);
            if (!r.state().live()) continue;
            Reconciler.checkOwner(r);
            out.add(r);
        }
        if (out.isEmpty()) throw new UserError("no running run of package '" + target + "' (see ebpm ps)");
        return out;
    }

    private static boolean hasRunsOf(LocalStore s, String name) {
        for (RunRecord r : s.runs().list(true)) if (r.packageName().equals(name)) return true;
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
    }
}
