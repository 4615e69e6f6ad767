package dev.ebpm.cli.build;

import dev.ebpm.loader.build.BtfMinimizer;
import dev.ebpm.loader.build.BuildException;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.PackageBuilder;
import dev.ebpm.loader.build.WasmAppBuilder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ebpm build [DIR | FILE.bpf.c [EVENT.h]]}: compile a *.bpf.c into an eunomia package.json, taking the event
 * header as ecc does; {@code --wasm} builds the directory's WASM app around it.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Compile a *.bpf.c with clang into a package, as ecc does.", "", "Compile a *.bpf.c with clang and write an eunomia package.json, as ecc does.",
            "",
            "DIR builds the directory's one NAME.bpf.c, with NAME.h beside it as the event header if there is one; "
                + "FILE.bpf.c [EVENT.h] names them. Every struct the event header defines becomes an export type "
                + "(what ring and perf buffer records are printed with)."},
        footer = {"",
            "Examples:",
            "  ebpm build examples/sigsnoop",
            "  ebpm build sigsnoop.bpf.c sigsnoop.h -o out",
            "  ebpm build -a -DMY_TRACE_DEBUG -a '-I include' .",
            "  ebpm build --wasm ./my-app              # also builds my-app/app.wasm",
            "  ebpm build --btfgen --btfhub-archive ~/btfhub-archive .",
            "                                          # runs on kernels without BTF too"})
public final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|FILE", description = "package directory or NAME.bpf.c (default: .)")
    Path dir = Path.of(".");

    @Parameters(index = "1", arity = "0..1", paramLabel = "EVENT.h",
            description = "header whose structs are the export types (default: NAME.h beside NAME.bpf.c, if any)")
    Path eventHeader;

    @Option(names = "--btf", paramLabel = "FILE", description = "BTF to generate vmlinux.h from (default: the running kernel's)")
    Path btf;

    @Option(names = "--vmlinux", paramLabel = "FILE",
            description = "Compile against this vmlinux.h instead of one generated from BTF: the build then gives the same bytes on any kernel")
    Path vmlinux;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output directory for the object, vmlinux.h and package.json (default: DIR/.output, DIR/package.json)")
    Path output;

    @Option(names = {"-a", "--cflags"}, paramLabel = "FLAGS",
            description = "extra clang flags, after ebpm's own; repeatable, each value split at spaces")
    List<String> cflags = new ArrayList<>();

    @Option(names = "--header-only", description = "compile the header FILE alone, for its types: a package with export types and no programs (ecc's --header-only)")
    boolean headerOnly;

    @Option(names = "--wasm", description = "also build the directory's WASM app: its C program (every *.c but the *.bpf.c) "
            + "against the wasm-bpf headers and a generated NAME.skel.h, into app.wasm (clang, wasi-libc, lld)")
    boolean wasm;

    @Option(names = "--btfgen", description = "embed BTF minimized to what the program uses, for each kernel of --btfhub-archive, "
            + "so that it runs on kernels without /sys/kernel/btf/vmlinux")
    boolean btfgen;

    @Option(names = "--btfhub-archive", paramLabel = "DIR",
            description = "a btfhub-archive layout (ID/VERSION_ID/ARCH/RELEASE.btf[.tar.xz]); implies --btfgen")
    Path btfhubArchive;

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
        List<String> flags = new ArrayList<>();
        for (String c : cflags) flags.addAll(Arrays.stream(c.trim().split("\\s+")).filter(f -> !f.isEmpty()).toList());
        options = options.withCflags(flags);
        try {
            if (btfgen && btfhubArchive == null) {
                throw new BuildException("--btfgen needs --btfhub-archive DIR: a btfhub-archive checkout (or a directory laid out like one: "
                        + "ID/VERSION_ID/ARCH/RELEASE.btf) holding the kernels to support");
            }
            if (headerOnly && (wasm || eventHeader != null)) {
                throw new BuildException("--header-only takes one header and builds no programs: drop " + (wasm ? "--wasm" : eventHeader));
            }
            if (wasm && btfhubArchive != null) {
                throw new BuildException("--btfgen does not apply to --wasm: a WASM app hands its object to the host itself");
            }
            BuildSources sources = headerOnly ? BuildSources.headerOnly(dir) : BuildSources.of(dir, Optional.ofNullable(eventHeader));
            if (wasm) {
                WasmAppBuilder.Built app = new WasmAppBuilder().build(sources, options);
                out.println(app.pkg().packageJson() + " (" + Files.size(app.pkg().packageJson()) + " bytes)");
                out.println(app.app() + " (" + Files.size(app.app()) + " bytes)");
                return 0;
            }
            PackageBuilder.Result built = new PackageBuilder().buildPackage(sources, options);
            if (btfhubArchive != null) {
                BtfMinimizer.Embedded e = BtfMinimizer.embed(built, btfhubArchive);
                out.println("embedded BTF for " + e.kernels() + " kernels (" + e.bytes() + " bytes, minimized from " + e.fullBytes() + ")");
            }
            out.println(built.packageJson() + " (" + Files.size(built.packageJson()) + " bytes)");
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
