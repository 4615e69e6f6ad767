package dev.ebpm.cli.store;

import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.ProgressOptions;
import dev.ebpm.cli.options.RegistryFlags;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Installer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.store.InstallResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install a package into the local store.", "", "Install a package into the local store: by name from the configured hubs (NAME, NAME@VERSION, "
            + "NAME@RANGE such as sigsnoop@^1.0, or HUB/NAME), from an OCI registry (REGISTRY/REPO[:TAG][@sha256:...], "
            + "oci:// optional; see ebpm pull), or from a .ebpm archive file, a package directory, an "
            + "http(s) URL, or - (an archive on standard input).",
            "",
            "Everything is verified before anything is stored; installing what is already there does nothing."},
        footer = {"", "Examples:", "  ebpm install sigsnoop", "  ebpm install 'sigsnoop@>=1.0 <2'", "  ebpm install ./sigsnoop-1.0.0.ebpm",
            "  ebpm install --locked sigsnoop      (only what ebpm.lock pins)",
            "  ebpm install ghcr.io/myorg/sigsnoop:1.0.0"})
public final class InstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin RegistryFlags registries;

    @Parameters(paramLabel = "PACKAGE", description = "NAME[@VERSION|@RANGE], HUB/NAME, a registry reference, or a path, http(s) URL or - of a .ebpm archive.")
    String archive;

    @Option(names = "--signature", paramLabel = "FILE", description = "The archive's detached signature (default: ARCHIVE.sig beside it, if present).")
    Path signature;

    @Option(names = "--allow-unsigned", description = "Install even if the package is unsigned or signed by a key not trusted here, "
            + "with a warning; recorded in the store and shown by `ebpm info`. Tampered signatures are refused regardless.")
    boolean allowUnsigned;

    @Mixin NetworkOptions network;

    @Option(names = "--locked", description = "install exactly what ebpm.lock pins; refuse anything not in it")
    boolean locked;

    @Mixin ProgressOptions progress;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        try (Session s = Session.open(registries.apply(store.settings(network.offline, progress.quiet, locked)))) {
            InstallResult r = new Installer(s).install(PackageSpec.parse(archive), new Installer.Request(allowUnsigned, Optional.ofNullable(signature)));
            if (json) {
                StoreOutput.json(System.out, StoreOutput.installed(r, s.storeRoot()));
            } else if (r.alreadyInstalled()) {
                System.out.println(r.id() + " is already installed");
            } else {
                System.out.println("installed " + r.id() + " (" + r.blobsWritten() + (r.blobsWritten() == 1 ? " new blob, " : " new blobs, ")
                        + StoreOutput.size(r.bytesWritten()) + ") in " + s.storeRoot());
            }
        }
        return 0;
    }
}
