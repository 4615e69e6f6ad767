package dev.ebpm.cli.run;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.run.RunCommand;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.runs.DetachedRunner;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.session.Session;
import dev.ebpm.store.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The hidden {@code ebpm runner ID}: the process {@code run -d} starts. It parses the run's recorded words again (they
 * name the pinned copy of the verified package) and hands the run to {@link DetachedRunner}.
 */
@Command(name = DetachedRuns.RUNNER_COMMAND, hidden = true, description = "Run a detached program (started by ebpm run -d).")
public final class RunnerCommand implements Callable<Integer> {
    /** JVM flags for the runner unless EBPM_RUNNER_JAVA_OPTS says otherwise; see docs/lifecycle.md for the figures. */
    static final List<String> RUNNER_JVM_FLAGS = List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-XX:CICompilerCount=1", "-Xmx64m");

    /** The CLI's entry point, by name: the run package must not depend on the package that registers it. */
    static final String MAIN_CLASS = "dev.ebpm.cli.Main";

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Mixin StoreOptions store = new StoreOptions();

    @Override
    public Integer call() {
        try (Session session = store.session()) {
            DetachedRunner runner = new DetachedRunner(session, id);
            RunRecord rec = runner.record();
            RunCommand.Prepared p;
            RunCommand cmd = new RunCommand();
            try {
                CommandLine cl = new CommandLine(cmd);
                cl.setStopAtPositional(true);
                cl.setUnmatchedOptionsArePositionalParams(true);
                cl.parseArgs(rec.args().toArray(String[]::new));
                p = cmd.prepare(session);
                if (p == null) throw new UserError("the recorded words print help instead of running: " + rec.args());
            } catch (RuntimeException e) {
                runner.failed(e.getMessage() == null ? e.toString() : e.getMessage().strip().replace("\n", " "));
                throw e;
            }
            if (p.pkg().isWasm() || !cmd.metrics.anyGiven()) {
                runner.serve(p.pkg(), p.options(), p.guestArgs(), cmd.wasmOptions(), System.err, null);
                return 0;
            }
            return MetricsWiring.metered(p, cmd.metrics, Optional.of(id), observer -> {
                runner.serve(p.pkg(), p.options(), p.guestArgs(), cmd.wasmOptions(), System.err, observer);
                return 0;
            }, runner::failed);
        }
    }

    /** setsid JAVA [flags] -cp CLASSPATH dev.ebpm.cli.Main runner --store ROOT ID: how the CLI starts a runner. */
    public static List<String> command(String storeRoot, String id) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid");
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // ebpm's own settings (ebpm.examples, ebpm.repo); not the CLI's other JVM flags (agents, debuggers, heap)
        for (String k : new TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (k.startsWith("ebpm.")) cmd.add("-D" + k + "=" + System.getProperty(k));
        }
        String opts = System.getenv("EBPM_RUNNER_JAVA_OPTS");
        if (opts != null) {
            for (String o : opts.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
        } else {
            cmd.addAll(RUNNER_JVM_FLAGS);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.add(DetachedRuns.RUNNER_COMMAND);
        cmd.add("--store");
        cmd.add(storeRoot);
        cmd.add(id);
        return cmd;
    }
}
