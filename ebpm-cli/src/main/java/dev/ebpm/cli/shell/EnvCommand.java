package dev.ebpm.cli.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.cli.output.TextTable;
import dev.ebpm.core.runs.DaemonPaths;
import dev.ebpm.core.runs.RunDirectory;
import dev.ebpm.core.session.Settings;
import dev.ebpm.core.trust.Keys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ebpm env}: the directories in effect and the variables ebpm reads, as cargo's and go's {@code env} do. Opens
 * no store and no socket: it only resolves paths, so it answers at once even where the store is broken.
 */
@Command(name = "env", description = {"Print ebpm's directories and the variables it reads.",
    "",
    "Opens nothing: the directories are where ebpm would look, whether or not they exist yet."})
public final class EnvCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--json", description = "Print JSON: {\"directories\": [{directory, path, holds}], \"variables\": [{variable, value, meaning}]}.")
    boolean json;

    record Directory(String name, Path path, String holds) {}

    @Override
    public Integer call() throws Exception {
        Path root = store.root();
        Settings settings = Settings.defaults(root);
        List<Directory> dirs = List.of(
                new Directory("config", settings.directories().config(), "this installation's identity and the examples key"),
                new Directory("cache", settings.directories().cache(), "packages built from source (builds/)"),
                new Directory("store", root, "the database, blobs, downloads and hub indexes (cache/), runs"),
                new Directory("keys", Keys.directory(root), "your signing keys (NAME.key, NAME.pub)"),
                new Directory("runs", RunDirectory.runsRoot(root), "detached runs: their package copy, status and event logs"),
                new Directory("daemon", DaemonPaths.of(root).socket(), "the daemon's socket (daemon.lock, .json and .log beside it)"),
                new Directory("examples", settings.examplesDir().orElse(null), "the embedded examples hub's sources"),
                new Directory("builtin-keys", settings.builtinKeys().orElse(null), "the keys this installation trusts out of the box"));
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode out = m.createObjectNode();
            ArrayNode d = out.putArray("directories");
            for (Directory x : dirs) d.addObject().put("directory", x.name()).put("path", x.path() == null ? null : x.path().toString()).put("holds", x.holds());
            ArrayNode v = out.putArray("variables");
            for (EnvironmentVariables.Variable x : EnvironmentVariables.ALL) {
                v.addObject().put("variable", x.name()).put("value", System.getenv(x.name())).put("meaning", x.meaning());
            }
            System.out.println(out.toPrettyString());
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Directory x : dirs) rows.add(List.of(x.name(), x.path() == null ? "(none)" : x.path().toString(), x.holds()));
        TextTable.print(System.out, List.of("DIRECTORY", "PATH", "HOLDS"), rows);
        System.out.println();
        rows.clear();
        for (EnvironmentVariables.Variable x : EnvironmentVariables.ALL) {
            String value = System.getenv(x.name());
            rows.add(List.of(x.name(), value == null ? "(unset)" : value, x.meaning()));
        }
        TextTable.print(System.out, List.of("VARIABLE", "VALUE", "MEANING"), rows);
        return 0;
    }
}
