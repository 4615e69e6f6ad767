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

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install a package into the local store: by name from the configured hubs (NAME, NAME@VERSION, "
            + "NAME@RANGE such as sigsnoop@^1.0, or HUB/NAME), or from a .ebpm archive file or http(s) URL.",
            "",
            "Everything is verified before anything is stored; installing what is already there does nothing."},
        footer = {"", "Examples:", "  ebpm install sigsnoop", "  ebpm install 'sigsnoop@>=1.0 <2'", "  ebpm install ./sigsnoop-1.0.0.ebpm",
            "  ebpm install --locked sigsnoop      (only what ebpm.lock pins)"})
public final class InstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "PACKAGE", description = "NAME[@VERSION|@RANGE], HUB/NAME, or a path or http(s) URL of a .ebpm archive.")
    String archive;

    @Option(names = "--signature", paramLabel = "FILE", description = "The archive's detached signature (default: ARCHIVE.sig beside it, if present).")
    Path signature;

    @Option(names = "--allow-unsigned", description = {"Install even if the package is unsigned or signed by a key not trusted here,",
            "with a warning; recorded in the store and shown by `ebpm info`. Tampered signatures are refused regardless."})
    boolean allowUnsigned;

    @picocli.CommandLine.Option(names = "--offline", description = "never use the network: the cached index only (also EBPM_OFFLINE=1)")
    boolean offline;

    @picocli.CommandLine.Option(names = "--locked", description = "install exactly what ebpm.lock pins; refuse anything not in it")
    boolean locked;

    @picocli.CommandLine.Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        try (LocalStore s = store.open()) {
            ArchiveInstaller.Trust trust = ArchiveInstaller.Trust.of(Keys.ring(s), allowUnsigned, w -> System.err.println("ebpm: warning: " + w));
            InstallResult r = dev.ebpm.cli.hub.HubPackageSource.isHubSpec(archive)
                    ? dev.ebpm.cli.hub.HubPackageSource.open(s.root(), offline, quiet, locked).install(s, archive, trust)
                    : new ArchiveInstaller(s, trust).install(archive, signature);
            if (r.alreadyInstalled()) {
                System.out.println(r.id() + " is already installed");
            } else {
                System.out.println("installed " + r.id() + " (" + r.blobsWritten() + (r.blobsWritten() == 1 ? " new blob, " : " new blobs, ") + StoreOutput.size(r.bytesWritten()) + ") in " + s.root());
            }
        }
        return 0;
    }
}
