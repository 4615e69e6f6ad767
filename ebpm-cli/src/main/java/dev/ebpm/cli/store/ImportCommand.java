package dev.ebpm.cli.store;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Bundles;
import dev.ebpm.core.session.Session;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", description = {"Install every package of an OCI image layout tar.", "", "Install every package of an OCI image layout tar (what ebpm export, ig image export or",
        "skopeo copy oci-archive: write), each verified as a pull would be: signatures checked, foreign formats only with",
        "--allow-unsigned. Uses no network; nothing is stored if any package is refused."})
public final class ImportCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "FILE", description = "the layout tar")
    Path bundle;

    @Option(names = "--allow-unsigned", description = "also install unsigned packages and foreign formats, with a warning; recorded in the store")
    boolean allowUnsigned;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        try (Session s = Session.open(store.settings(false, true, false))) {
            List<Bundles.Imported> done = new Bundles(s).importBundle(bundle, allowUnsigned);
            if (json) {
                List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
                for (Bundles.Imported i : done) {
                    java.util.Map<String, Object> m = StoreOutput.installed(i.result(), s.storeRoot());
                    m.put("name", i.name());
                    m.put("format", i.format());
                    m.put("digest", i.digest());
                    out.add(m);
                }
                StoreOutput.json(System.out, out);
                return 0;
            }
            for (Bundles.Imported i : done) {
                System.out.println((i.result().alreadyInstalled() ? i.result().id() + " is already installed" : "installed " + i.result().id())
                        + " from " + i.name() + " (" + i.format() + ", " + i.digest() + ")");
            }
        }
        return 0;
    }
}
