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

/** {@code ebpm init NAME [--wasm]}: a new package directory with a CO-RE program, its event header, manifest, README and CI. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a new package directory from a template.", "", "Create a package directory NAME: NAME.bpf.c, NAME.h (the event it sends, as ecc expects it), ebpm.json, README.md",
            "and .github/workflows/ebpm.yml (a CI workflow that builds, tests, and on a v* tag publishes the package)."})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Package name: lower case letters, digits, '-' and '_'")
    String name;

    @Option(names = "--wasm", description = "Scaffold a WASM app: a .bpf.c plus app.c against the wasm-bpf ABI, built by `ebpm build --wasm` into app.wasm")
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
                out.println("created " + dir + " (build it with: ebpm build --wasm " + dir + "; run it with: sudo ebpm run "
                        + dir.resolve("app.wasm") + ")");
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
