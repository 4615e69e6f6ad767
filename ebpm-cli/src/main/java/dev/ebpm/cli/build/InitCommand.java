package dev.ebpm.cli.build;

import dev.ebpm.loader.build.ProjectScaffold;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ebpm init NAME [--wasm]}: a new package directory with a CO-RE program, manifest and README. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a package directory NAME with NAME.bpf.c, ebpm.json and README.md.")
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Package name: lower case letters, digits, '-' and '_'")
    String name;

    @Option(names = "--wasm", description = "Scaffold a WASM app: a .bpf.c plus app.c against the wasm-bpf ABI, built by build.sh into app.wasm")
    boolean wasm;

    @Option(names = {"-C", "--directory"}, paramLabel = "PARENT", description = "Create NAME under PARENT (default: .)")
    Path parent = Path.of(".");

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (wasm) {
                Path dir = ProjectScaffold.createWasm(parent, name);
                out.println("created " + dir + " (build it with: " + dir.resolve("build.sh") + "; run it with: sudo ebpm run " + dir + ")");
                return 0;
            }
            Path dir = ProjectScaffold.create(parent, name);
            out.println("created " + dir + " (build it with: ebpm build " + dir + ")");
            return 0;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("ebpm: error: " + e.getMessage());
            return 1;
        }
    }
}
