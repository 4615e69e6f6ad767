package dev.ebpm.cli.store;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.session.Directories;
import dev.ebpm.pkg.Digests;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack", description = {"Write a reproducible .ebpm archive from a package directory.", "", "Write a reproducible NAME-VERSION.ebpm from a package directory: its ebpm.json with every file's digest",
        "(the directory's own ebpm.json and *.sig files are not changed or packed; a stale package.json is rebuilt in the cache)."})
public final class PackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = ".", description = "Package directory with an ebpm.json (default: .).")
    Path dir;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", description = "Where to write the archive (default: the current directory).")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        Path out = new SourceBuilder(Terminal.REPORTER, Directories.fromEnvironment()).pack(dir, outDir == null ? Path.of("") : outDir);
        System.out.println(out + "  sha256:" + Digests.sha256Hex(out));
        return 0;
    }
}
