package dev.ebpm.cli;

import dev.ebpm.cli.run.DoctorCommand;
import dev.ebpm.cli.run.ExporterCommand;
import dev.ebpm.cli.run.RunCommand;
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
            "  ebpm install sigsnoop             resolve, download, verify, store a package",
            "  sudo ebpm run sigsnoop            run it (offline once installed)",
            "  ebpm run sigsnoop --help          list the options a package takes",
            "  ebpm search signal                find packages on the configured hubs",
            "  ebpm list / info NAME             what is installed, and what a package is",
            "  ebpm init mytool; ebpm build mytool; ebpm publish mytool --hub H",
            "  ebpm pull/push REGISTRY/REPO:TAG  OCI registries (ecli, bpfman, Gadget images)",
            "  ebpm doctor                       what this kernel and host support",
        },
        subcommandsRepeatable = false)
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree (help lists every command; tests walk it). */
    public static CommandLine commandLine() {
        return build(subcommands());
    }

    /**
     * The tree {@code args} needs: only the subcommand its first word names, so a command pays picocli's model building
     * (reflection over every option of every command) for itself alone. Help, no command, a word that is no command
     * (the command list, or picocli's "did you mean") and {@code completion} get the whole tree.
     */
    static CommandLine commandLine(String... args) {
        String first = args.length == 0 ? null : args[0];
        if (first == null || first.startsWith("-") && !first.equals("--version") && !first.equals("-V")) return commandLine();
        if (first.startsWith("-")) return build(List.of());
        if (first.equals("completion")) return commandLine(); // its scripts complete the whole tree
        for (Class<?> c : subcommands()) {
            if (c.getAnnotation(Command.class).name().equals(first)) return build(List.of(c));
        }
        return commandLine();
    }

    private static CommandLine build(List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : subcommands) cl.addSubcommand(c);
        Errors errors = new Errors();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        addHelpEverywhere(cl);
        CommandLine run = cl.getSubcommands().get("run");
        if (run != null) {
            // everything after PKG belongs to the package (a WASM guest's `-d 5` is not ours)
            run.setStopAtPositional(true);
            run.setUnmatchedOptionsArePositionalParams(true);
        }
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
        all.add(ExporterCommand.class);
        all.addAll(List.of(dev.ebpm.cli.build.BuildCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.store.StoreCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.hub.HubCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.lifecycle.LifecycleCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.trust.TrustCommands.ALL));
        all.addAll(List.of(dev.ebpm.cli.shell.ShellCommands.ALL));
        return all;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ebpm " + dev.ebpm.cli.options.Release.VERSION, "Java " + System.getProperty("java.version") + ", libbpf from the system (libbpf.so.1)"};
        }
    }
}
