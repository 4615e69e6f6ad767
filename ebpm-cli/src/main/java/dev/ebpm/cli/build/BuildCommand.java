package dev.ebpm.cli.build;

import dev.ebpm.loader.build.BuildException;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.PackageBuilder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ebpm build [DIR] [--btf FILE | --vmlinux FILE] [-o OUT]}: compile DIR's *.bpf.c into an eunomia package.json. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Compile the directory's *.bpf.c with clang and write an eunomia package.json.")
public final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Package directory (default: .)")
    Path dir = Path.of(".");

    @Option(names = "--btf", paramLabel = "FILE", description = "BTF to generate vmlinux.h from (default: the running kernel's)")
    Path btf;

    @Option(names = "--vmlinux", paramLabel = "FILE",
            description = "Compile against this vmlinux.h instead of one generated from BTF: the build then gives the same bytes on any kernel")
    Path vmlinux;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output directory for the object, vmlinux.h and package.json (default: DIR/.output, DIR/package.json)")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BuildOptions options = BuildOptions.defaults();
        if (btf != null) {
            options = options.withBtfFile(btf);
        }
        if (vmlinux != null) {
            options = options.withVmlinuxHeader(vmlinux);
        }
        if (output != null) {
            options = options.withOutputDir(output).withPackageJson(output.resolve(PackageBuilder.PACKAGE_FILE));
        }
        try {
            Path packageJson = new PackageBuilder().build(dir, options);
            out.println(packageJson + " (" + Files.size(packageJson) + " bytes)");
            return 0;
        } catch (BuildException e) {
            err.println("ebpm: error: " + e.getMessage());
            if (!e.toolOutput().isBlank()) {
                err.print(e.toolOutput().endsWith("\n") ? e.toolOutput() : e.toolOutput() + "\n");
            }
            return 1;
        } catch (java.io.IOException e) {
            err.println("ebpm: error: " + e.getMessage());
            return 1;
        }
    }
}
