package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.session.Session;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", description = {"Stop detached runs.", "",
    "Stop detached runs: SIGTERM asks each runner to detach its programs and exit; one still alive after --timeout",
    "is killed (SIGKILL) and what it pinned is removed. By NAME, every running run of that package stops.",
})
public final class StopCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID|NAME", description = "a run id (see ebpm ps) or a package name")
    String target;

    @Option(names = "--all", description = "stop every running run (of yours, or everyone's as root)")
    boolean all;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "wait this long after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) throw new UserError("--timeout expects seconds >= 0");
        try (Session session = store.session()) {
            DetachedRuns.Stopped stopped = new DetachedRuns(session).stop(target, all, Duration.ofMillis((long) (timeoutSeconds * 1000)));
            if (json) {
                java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
                out.put("stopped", stopped.ids());
                out.put("killed", stopped.killed());
                dev.ebpm.cli.output.Json.print(System.out, out);
                return 0;
            }
            if (stopped.ids().isEmpty()) {
                System.err.println("ebpm: no running programs to stop");
                return 0;
            }
            for (String id : stopped.killed()) System.err.println("ebpm: run " + id + " did not stop in time: killed");
            for (String id : stopped.ids()) System.out.println(id);
        }
        return 0;
    }
}
