package dev.ebpm.cli;

import dev.ebpm.cli.run.DoctorCommand;
import dev.ebpm.cli.run.ExporterCommand;
import dev.ebpm.cli.run.RunCommand;
import dev.ebpm.cli.run.RunnerCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ebpm} command: registers the subcommands and maps failures to one-line errors. */
@Command(
        name = "ebpm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "A package manager for eBPF programs: install packages from an eBPF hub, verify",
            "and cache them in a local store, and run them through libbpf.",
            "",
            "Common commands:",
            "  ebpm install sigsnoop             resolve, download, verify and store a package",
            "  sudo ebpm run sigsnoop            run it (offline once installed)",
            "  ebpm run sigsnoop --help          list the options a package takes",
            "  ebpm search signal                find packages on the configured hubs",
            "  ebpm list / info NAME             what is installed, and what a package is",
            "  ebpm init mytool; ebpm build mytool; ebpm publish mytool --hub H",
            "  ebpm doctor                       what this kernel and host support",
        },
        subcommandsRepeatable = false)
public final class Main implements Runnable {
    static final String VERSION = dev.ebpm.cli.options.EbpmVersion.VALUE;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : subcommands()) cl.addSubcommand(c);
        cl.setExecutionExceptionHandler(new Errors());
        addHelpEverywhere(cl);
        // everything after PKG belongs to the package (a WASM guest's `-d 5` is not ours)
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().get("run").setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    /** Every command and subcommand answers --help (and -V), unless it defines its own --help. */
    private static void addHelpEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--help") == null) sub.getCommandSpec().mixinStandardHelpOptions(true);
            addHelpEverywhere(sub);
        }
    }

    static List<Class<?>> subcommands() {
        List<Class<?>> all = new ArrayList<>();
        all.add(RunCommand.class);
        all.add(DoctorCommand.class);
        all.add(RunnerCommand.class);
        all.add(ExporterCommand.class);
        all.addAll(List.of(dev.ebpm.cli.build.BuildCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.store.StoreCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.hub.HubCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.lifecycle.LifecycleCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.trust.TrustCommands.ALL));
        return all;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ebpm " + VERSION, "Java " + System.getProperty("java.version") + ", libbpf from the system (libbpf.so.1)"};
        }
    }
}
