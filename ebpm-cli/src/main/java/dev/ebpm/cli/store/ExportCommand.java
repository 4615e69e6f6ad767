package dev.ebpm.cli.store;

import dev.ebpm.cli.options.NetworkOptions;
import dev.ebpm.cli.options.RegistryFlags;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Bundles;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", description = {"Write packages into an OCI image layout tar, for offline use.", "", "Write installed packages (or registry references) into one tar of an OCI image layout, for a",
        "machine without network: oci-layout, index.json naming each package, blobs/sha256/... with the signatures.",
        "`ebpm import FILE` installs from it; `skopeo copy oci-archive:FILE:NAME docker://...` copies a package to a registry."},
        footer = {"", "Examples:", "  ebpm export sigsnoop opensnoop@0.1.0 -o tools.tar", "  ebpm export ghcr.io/myorg/sigsnoop:1.0.0 -o sigsnoop.tar"})
public final class ExportCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Mixin RegistryFlags registries;

    @Mixin NetworkOptions network;

    @Parameters(paramLabel = "PKG|REF", arity = "1..*", description = "installed packages NAME[@VERSION], or registry references")
    List<String> specs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the tar to write (replaced atomically)")
    Path out;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        List<PackageSpec> parsed = specs.stream().map(PackageSpec::parse).toList();
        try (Session s = Session.open(registries.apply(store.settings(network.offline, true, false)))) {
            Bundles.Exported e = new Bundles(s).export(parsed, out);
            if (json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("file", e.file().toString());
                m.put("bytes", e.bytes());
                m.put("packages", e.names());
                StoreOutput.json(System.out, m);
                return 0;
            }
            System.out.println("exported " + e.names().size() + (e.names().size() == 1 ? " package" : " packages") + " to " + e.file()
                    + " (" + StoreOutput.size(e.bytes()) + "): " + String.join(", ", e.names()));
        }
        return 0;
    }
}
