package dev.ebpm.cli.store;

import dev.ebpm.cli.trust.Keys;
import dev.ebpm.store.ArchiveInstaller;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.LocalStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "install", description = "Install a package archive (.ebpm) from a file or an http(s) URL into the local store.")
public final class InstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "ARCHIVE", description = "Path or http(s) URL of a .ebpm archive.")
    String archive;

    @Option(names = "--signature", paramLabel = "FILE", description = "The archive's detached signature (default: ARCHIVE.sig beside it, if present).")
    Path signature;

    @Option(names = "--allow-unsigned", description = {"Install even if the package is unsigned or signed by a key not trusted here,",
            "with a warning; recorded in the store and shown by `ebpm info`. Tampered signatures are refused regardless."})
    boolean allowUnsigned;

    @Override
    public Integer call() throws Exception {
        try (LocalStore s = store.open()) {
            ArchiveInstaller.Trust trust = ArchiveInstaller.Trust.of(Keys.ring(s), allowUnsigned, w -> System.err.println("ebpm: warning: " + w));
            InstallResult r = new ArchiveInstaller(s, trust).install(archive, signature);
            if (r.alreadyInstalled()) {
                System.out.println(r.id() + " is already installed");
            } else {
                System.out.println("installed " + r.id() + " (" + r.blobsWritten() + (r.blobsWritten() == 1 ? " new blob, " : " new blobs, ") + StoreOutput.size(r.bytesWritten()) + ") in " + s.root());
            }
        }
        return 0;
    }
}
