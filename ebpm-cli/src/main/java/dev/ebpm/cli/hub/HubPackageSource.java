package dev.ebpm.cli.hub;

import dev.ebpm.cli.run.BundledExamples;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.HubClient;
import dev.ebpm.registry.Lockfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hub half of {@code ebpm install NAME} and {@code ebpm run NAME}: given a spec ({@code [hub/]name[@version|@range]}),
 * resolve it over the configured hubs (bundled examples first, then added hubs, then eunomia's), download, verify and
 * unpack it. Storing the result is the store's job:
 * <pre>
 *   FetchedPackage f = HubPackageSource.open(storeRoot, offline, quiet, locked).fetch(spec);
 *   store.install(f.pkg(), f.archiveBytesOrNull(), InstallSource.hub(f.hub()), "unsigned");
 * </pre>
 */
public final class HubPackageSource {
    private final HubClient client;

    private HubPackageSource(HubClient client) {
        this.client = client;
    }

    /**
     * @param storeRoot the store directory (caches go to {@code cache/}, hubs to {@code config/hubs.json})
     * @param offline   never open a socket (also implied by EBPM_OFFLINE=1)
     * @param quiet     no progress bar
     * @param locked    take exactly what ebpm.lock pins, refuse anything else
     */
    public static HubPackageSource open(Path storeRoot, boolean offline, boolean quiet, boolean locked) {
        return new HubPackageSource(new HubClient(options(storeRoot, offline, quiet, locked)));
    }

    static HubClient.Options options(Path storeRoot, boolean offline, boolean quiet, boolean locked) {
        return HubClient.Options.defaults(storeRoot)
                .offline(offline || HubClient.offlineFromEnvironment())
                .quiet(quiet)
                .examples(BundledExamples.directory().orElse(null), BundledExamples::buildIfNeeded)
                .lock(Lockfile.defaultLocation(storeRoot), locked);
    }

    /** Resolves, downloads, verifies and unpacks; records the choice in ebpm.lock unless locked. */
    public FetchedPackage fetch(String spec) {
        return client.fetch(spec);
    }

    public HubClient client() {
        return client;
    }

    /**
     * True if {@code arg} should go to the hubs rather than be read as a file or URL: no path separator beyond a
     * {@code hub/} prefix, no archive or JSON extension, not an existing file.
     */
    public static boolean isHubSpec(String arg) {
        if (arg.startsWith("http://") || arg.startsWith("https://") || arg.startsWith("/") || arg.startsWith(".")) return false;
        if (arg.endsWith(".ebpm") || arg.endsWith(".json") || arg.endsWith(".o") || arg.endsWith(".wasm")) return false;
        if (Files.exists(Path.of(arg))) return false;
        return arg.indexOf('/') == arg.lastIndexOf('/');
    }

    /** {@code --store}, else $EBPM_HOME, else $XDG_DATA_HOME/ebpm, else ~/.local/share/ebpm (the store's own rule). */
    public static Path storeRoot(Path explicit) {
        if (explicit != null) return explicit.toAbsolutePath();
        Map<String, String> env = System.getenv();
        String home = env.get("EBPM_HOME");
        if (home != null && !home.isBlank()) return Path.of(home).toAbsolutePath();
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "ebpm");
        return Path.of(System.getProperty("user.home"), ".local", "share", "ebpm");
    }
}
