package dev.ebpm.core.install;

import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.fetch.DirectSource;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.store.GcReport;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.PackageInfo;
import dev.ebpm.store.PackageNotInstalledException;
import dev.ebpm.store.SignatureRecord;
import dev.ebpm.store.VerifyReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * What is installed and what a spec names: {@code list}, {@code info}, {@code uninstall}, {@code cache verify} and
 * {@code gc}. Read-only questions never create a store.
 */
public final class Inventory {
    private final Session session;

    public Inventory(Session session) {
        this.session = session;
    }

    /** Every installed version (empty without a store). */
    public List<InstalledVersion> list() {
        return session.existingStore().map(s -> s.packages().list()).orElse(List.of());
    }

    /** {@link #list()} as JSON, rendered by SQLite in one query (fast for large stores). */
    public byte[] listJson() {
        return session.existingStore().map(s -> s.packages().listJson()).orElse("[]\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** What {@code info SPEC} describes: an installed version, a package as a hub lists it, or a package file. */
    public sealed interface Description permits Installed, Remote, Local {}

    public record Installed(PackageInfo info, SignatureRecord signature) implements Description {}

    public record Remote(Hubs.RemoteInfo info) implements Description {}

    /** A package named directly: its manifest (a bare package.json or app.wasm gets a static hub's). */
    public record Local(String origin, PackageManifest manifest) implements Description {}

    public Description describe(PackageSpec spec) {
        if (spec instanceof PackageSpec.Named named) return describeNamed(named);
        if (spec instanceof PackageSpec.OciReference) {
            throw new SpecException("\"" + spec.text() + "\" (read as " + spec.form() + "): this ebpm cannot fetch from OCI registries");
        }
        if (spec instanceof PackageSpec.LocalPath p && Files.isDirectory(p.path())) {
            try {
                return new Local(p.path().toString(), new SourceBuilder(session).manifest(p.path()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p.path(), e);
            }
        }
        DirectSource.Read read = new DirectSource(session).read(spec, PackageArchive.Limits.DEFAULT.maxTotalBytes(), false);
        byte[] b = read.bytes();
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            try {
                UnpackedPackage pkg = PackageArchive.unpack(new ByteArrayInputStream(b));
                return new Local(read.origin(), pkg.manifest());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the archive " + read.origin(), e);
            }
        }
        String file = read.fileName().endsWith(".wasm") ? "app.wasm" : "package.json";
        String stem = read.fileName().replaceFirst("(\\.bpf)?\\.(json|o|wasm)$", "").replaceAll("[^a-z0-9_-]", "-");
        dev.ebpm.pkg.PackageName name = dev.ebpm.pkg.PackageName.isValid(stem) ? dev.ebpm.pkg.PackageName.parse(stem) : dev.ebpm.pkg.PackageName.parse("package");
        return new Local(read.origin(), dev.ebpm.registry.hubs.StaticManifests.wrap(name, file, b, null).manifest());
    }

    private Description describeNamed(PackageSpec.Named spec) {
        Optional<LocalStore> store = session.existingStore();
        if (store.isPresent()) {
            Optional<InstalledVersion> v = store.get().packages().resolveInstalled(spec.name(), spec.anyVersion() ? null : spec.range());
            if (v.isPresent() && (spec.hub() == null || InstallSource.hub(spec.hub()).equals(v.get().source()))) {
                PackageInfo info = store.get().packages().info(spec.name(), v.get().version());
                return new Installed(info, store.get().packages().signature(spec.name(), v.get().version()));
            }
        }
        // not installed here: describe it from the hubs instead
        Optional<Hubs.RemoteInfo> remote = new Hubs(session, new Keys(session)).info(spec);
        if (remote.isPresent()) return new Remote(remote.get());
        throw new PackageNotInstalledException(spec.name() + " is not installed");
    }

    /** Removes what {@code spec} names: one version, every version matching a range, or every version. */
    public List<String> uninstall(PackageSpec spec) {
        if (!(spec instanceof PackageSpec.Named named)) {
            throw new SpecException("uninstall takes NAME[@VERSION] of an installed package, not " + spec.form() + " (\"" + spec.text() + "\")");
        }
        LocalStore store = session.existingStore().orElseThrow(() -> new PackageNotInstalledException(named.name() + " is not installed"));
        if (named.anyVersion() && named.hub() == null) return store.installs().uninstall(named.name(), null);
        if (named.exact() != null && named.hub() == null) return store.installs().uninstall(named.name(), named.exact());
        List<Version> matching = store.packages().versions(named.name()).stream()
                .filter(v -> named.range().matches(v.version()))
                .filter(v -> named.hub() == null || InstallSource.hub(named.hub()).equals(v.source()))
                .map(InstalledVersion::version).toList();
        if (matching.isEmpty()) throw new PackageNotInstalledException("no installed version of " + named.name() + " matches \"" + named.text() + "\"");
        List<String> removed = new java.util.ArrayList<>();
        for (Version v : matching) removed.addAll(store.installs().uninstall(named.name(), v));
        return removed;
    }

    public VerifyReport verify(boolean repair) {
        return session.store().maintenance().verify(repair);
    }

    /** How old a download's temp file must be before gc takes it for one a killed ebpm left (a live download writes on). */
    private static final java.time.Duration STALE_DOWNLOAD = java.time.Duration.ofMinutes(10);

    /** Unreferenced blobs and temp files of the store, and what killed downloads left in the download cache. */
    public GcReport gc() {
        GcReport store = session.store().maintenance().gc();
        int downloads;
        try {
            downloads = new BlobDirectory(session.storeRoot().resolve("cache").resolve("downloads"))
                    .deleteTempFiles(java.time.Instant.now().minus(STALE_DOWNLOAD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the download cache in " + session.storeRoot().resolve("cache"), e);
        }
        return new GcReport(store.blobsDeleted(), store.bytesFreed(), store.tempFilesDeleted() + downloads);
    }
}
