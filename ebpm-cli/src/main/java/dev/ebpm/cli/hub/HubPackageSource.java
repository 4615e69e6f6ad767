package dev.ebpm.cli.hub;

import dev.ebpm.cli.run.BundledExamples;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.store.SignatureRecord;
import dev.ebpm.registry.HubClient;
import dev.ebpm.registry.Lockfile;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.ebpm.store.ArchiveInstaller;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.StoreLocation;
import java.io.IOException;

/**
 * The hub half of {@code ebpm install NAME} and {@code ebpm run NAME}: given a spec ({@code [hub/]name[@version|@range]}),
 * resolve it over the configured hubs (bundled examples first, then added hubs, then eunomia's), download, verify and
 * unpack it; {@link #install} also stores it:
 * <pre>
 *   InstallResult r = HubPackageSource.open(storeRoot, offline, quiet, locked).install(localStore, spec);
 *   FetchedPackage f = HubPackageSource.open(storeRoot, offline, quiet, false).fetch(spec);   // run without installing
 * </pre>
 */
public final class HubPackageSource {
    private final HubClient client;

    private HubPackageSource(HubClient client) {
        this.client = client;
    }

    /**
     * @param storeRoot the store directory (caches go to {@code cache/}, the hub list to the store's config table)
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
                .examples(BundledExamples.directory().orElse(null), dev.ebpm.cli.trust.ExamplesSigner::buildAndSign)
                .lock(Lockfile.defaultLocation(storeRoot), locked)
                .config(new StoreHubConfig(storeRoot))
                .indexGuard(new StoreIndexGuard(storeRoot));
    }

    /** Resolves, downloads, verifies and unpacks; records the choice in ebpm.lock unless locked. No signature policy: see {@link #fetchToRun}. */
    public FetchedPackage fetch(String spec) {
        return client.fetch(spec);
    }

    /**
     * Fetches {@code spec} for {@code ebpm run} without installing it, under the same signature policy as install:
     * unsigned or untrusted packages are refused unless {@code allowUnsigned} (then a warning is printed), tampered
     * ones always. Trusts the store's keys if there is a store, else the built-in ones; creates no store.
     */
    public FetchedPackage fetchToRun(Path storeRoot, String spec, boolean allowUnsigned) {
        Verifier.warmUp();
        FetchedPackage f = fetch(spec);
        TrustPolicy.Decision d = HubTrust.decide(f, dev.ebpm.cli.trust.Keys.ring(storeRoot), allowUnsigned,
                client.config().allowsUnsigned(f.hub()), TrustPolicy.Action.RUN);
        if (d.warning() != null) System.err.println("ebpm: warning: " + d.warning());
        return f;
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

    /**
     * Fetches {@code spec} and installs it into {@code store}: an archive through {@link ArchiveInstaller} (recognised
     * by digest if already there), a static or directory package (no archive) from its synthesized manifest.
     */
    /**
     * Fetches and installs under {@code trust}: the package must pass {@link TrustPolicy} with its hub as the source
     * and the signature the hub serves for the version (index hubs: the index's {@code signature}; directory hubs,
     * the embedded examples included: {@code NAME/ebpm.sig}) before anything is stored.
     */
    public InstallResult install(LocalStore store, String spec, ArchiveInstaller.Trust trust) throws IOException {
        Verifier.warmUp();
        FetchedPackage f = fetch(spec);
        TrustPolicy.Decision d = HubTrust.decide(f, trust.keys(), trust.allowUnsigned(), client.config().allowsUnsigned(f.hub()),
                TrustPolicy.Action.INSTALL);
        if (d.warning() != null) trust.warnings().accept(d.warning());
        return store.install(f.pkg(), f.archiveBytesOrNull(), InstallSource.hub(f.hub()),
                new SignatureRecord(d.status(), d.envelopeJson(), d.trustSource(), d.allowedUnsigned()));
    }

    /** Fetches and installs without trust checks (library use and tests of the hub client). */
    public InstallResult install(LocalStore store, String spec) throws IOException {
        FetchedPackage f = fetch(spec);
        byte[] archive = f.archiveBytesOrNull();
        if (archive != null) return new ArchiveInstaller(store).install(archive, InstallSource.hub(f.hub()));
        return store.install(f.pkg(), null, InstallSource.hub(f.hub()), ArchiveInstaller.UNSIGNED, true);
    }

    /** {@code --store}, else $EBPM_HOME, else $XDG_DATA_HOME/ebpm, else ~/.local/share/ebpm (the store's own rule). */
    public static Path storeRoot(Path explicit) {
        return StoreLocation.resolve(explicit);
    }
}
