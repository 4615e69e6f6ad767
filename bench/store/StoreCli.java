import dev.ebpm.cli.Main;
import dev.ebpm.cli.store.StoreCommands;
import picocli.CommandLine;

/** Main plus the store commands, for benchmarking before Main registers StoreCommands.ALL itself. */
public final class StoreCli {
    public static void main(String[] args) {
        CommandLine cl = Main.commandLine();
        for (Class<?> c : StoreCommands.ALL) {
            String name = c.getAnnotation(CommandLine.Command.class).name();
            if (!cl.getSubcommands().containsKey(name)) cl.addSubcommand(c);
        }
        System.exit(cl.execute(args));
    }
}
