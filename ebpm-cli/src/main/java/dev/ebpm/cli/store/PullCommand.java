package dev.ebpm.cli.store;

import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.ProgressOptions;
import dev.ebpm.cli.options.RegistryFlags;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.core.install.Installer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", description = {"Pull a package from an OCI registry into the local store.", "", "Pull a package from an OCI registry into the local store, by digest: ebpm's own artifacts (their",
        "signature referrer verified), ecli WASM modules, bpfman bytecode images, bumblebee and Inspektor Gadget images.",
        "The tag's digest is pinned in ebpm.lock; the package then runs with no network (ebpm run REF).",
        "",
        "A reference is REGISTRY/REPO[:TAG][@sha256:DIGEST] (oci:// optional); REGISTRY is the first component and holds a",
        "'.' or ':' or is localhost. localhost and 127.0.0.1 are reached over HTTP, other registries over TLS.",
        "Foreign formats carry no ebpm signature: they need a pinned digest (@sha256:...) or --allow-unsigned."},
        footer = {"", "Examples:", "  ebpm pull ghcr.io/myorg/sigsnoop:1.0.0", "  ebpm pull --allow-unsigned quay.io/bpfman-bytecode/go-xdp-counter:latest",
            "  ebpm pull \"localhost:5000/tools/execve@$DIGEST\"   # DIGEST=sha256:<64 hex>"})
public final class PullCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin RegistryFlags registries;

    @Parameters(paramLabel = "REF", description = "REGISTRY/REPO[:TAG][@sha256:DIGEST]")
    String ref;

    @Option(names = "--allow-unsigned", description = "store an unsigned ebpm artifact, one signed by a key not trusted here, or a foreign "
            + "format not pinned by digest, with a warning; recorded in the store. Tampered signatures are refused regardless.")
    boolean allowUnsigned;

    @Option(names = "--locked", description = "refuse a tag that no longer names the digest ebpm.lock pins")
    boolean locked;

    @Mixin NetworkOptions network;

    @Mixin ProgressOptions progress;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        PackageSpec spec = PackageSpec.parse(ref);
        if (!(spec instanceof PackageSpec.OciReference o)) {
            throw new UserError("\"" + ref + "\" is read as " + spec.form() + "; pull takes a registry reference (REGISTRY/REPO:TAG, or oci://...)", 2);
        }
        try (Session s = Session.open(registries.apply(store.settings(network.offline, progress.quiet, locked)))) {
            Installer.Pulled p = new Installer(s).pull(o, new Installer.Request(allowUnsigned, Optional.empty()));
            if (json) {
                java.util.Map<String, Object> out = StoreOutput.installed(p.result(), s.storeRoot());
                out.put("format", p.format().toString());
                out.put("digest", p.digest());
                StoreOutput.json(System.out, out);
            } else if (p.result().alreadyInstalled()) {
                System.out.println(p.result().id() + " is already installed (" + p.digest() + ")");
            } else {
                System.out.println("pulled " + p.result().id() + " (" + p.format() + ", " + p.result().blobsWritten() + " new blobs, "
                        + StoreOutput.size(p.result().bytesWritten()) + ") into " + s.storeRoot());
                System.out.println(p.digest());
            }
        }
        return 0;
    }
}
