package dev.ebpm.cli.store;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack", description = "Write a reproducible NAME-VERSION.ebpm from a package directory (its ebpm.json gets the file digests).")
public final class PackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = ".", description = "Package directory with an ebpm.json (default: .).")
    Path dir;

    @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", description = "Where to write the archive (default: the current directory).")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        Path out = PackageArchive.pack(dir, outDir == null ? Path.of("") : outDir);
        System.out.println(out + "  sha256:" + Digests.sha256Hex(out));
        return 0;
    }
}
