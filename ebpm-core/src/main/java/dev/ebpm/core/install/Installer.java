package dev.ebpm.core.install;

import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.fetch.DirectSource;
import dev.ebpm.core.fetch.TempDirectory;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.core.trust.PackageTrust;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.SignatureRecord;
import dev.ebpm.store.Timing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ebpm install SPEC}: every form of {@link PackageSpec} goes the same way, resolve or read, verify (archive and
 * file digests, then {@link PackageTrust}), store, and only then pin in ebpm.lock. A refused package leaves nothing
 * behind: not a blob, not a row, not a pin.
 */
public final class Installer {
    /** {@code --allow-unsigned}, and {@code --signature FILE} for an archive named directly. */
    public record Request(boolean allowUnsigned, Optional<Path> signature) {
        public static Request verified() {
            return new Request(false, Optional.empty());
        }

        public static Request allowingUnsigned() {
            return new Request(true, Optional.empty());
        }
    }

    private final Session session;
    private final Keys keys;
    private PackageArchive.Limits limits = PackageArchive.Limits.DEFAULT;

    public Installer(Session session) {
        this.session = session;
        this.keys = new Keys(session);
    }

    /** Other archive limits than the defaults (tests of the limits). */
    public Installer limits(PackageArchive.Limits l) {
        this.limits = l;
        return this;
    }

    public InstallResult install(PackageSpec spec, Request request) {
        Verifier.warmUp(); // key precomputation runs while the package is read
        if (spec instanceof PackageSpec.Named named) return installFromHub(named, request);
        if (spec instanceof PackageSpec.OciReference) {
            throw new SpecException("\"" + spec.text() + "\" (read as " + spec.form() + "): this ebpm cannot fetch from OCI registries");
        }
        if (spec instanceof PackageSpec.LocalPath p && Files.isDirectory(p.path())) return installDirectory(p.path(), request);
        DirectSource.Read read = new DirectSource(session).read(spec, maxArchiveBytes(), request.signature().isEmpty());
        Optional<String> signature = request.signature().map(DirectSource::readSignature).or(read::signature);
        return installArchive(read.bytes(), read.source(), read.origin(), signature, request.allowUnsigned());
    }

    private InstallResult installFromHub(PackageSpec.Named spec, Request request) {
        Hubs hubs = new Hubs(session, keys);
        FetchedPackage f = hubs.fetch(spec);
        SignatureRecord sig = trust().decide(f.hub(), "hub " + f.hub(), f.signature(), f.pkg(),
                request.allowUnsigned() || hubs.allowsUnsigned(f.hub()), TrustPolicy.Action.INSTALL);
        InstallResult r = session.store().installs().install(f.pkg(), f.archiveBytesOrNull(), InstallSource.hub(f.hub()), sig);
        hubs.lock(f);
        return r;
    }

    /**
     * A package directory (with its ebpm.json) is packed reproducibly, its artifact built in the cache if its sources are
     * newer, then installed as the archive it makes; nothing in the directory is written.
     */
    private InstallResult installDirectory(Path dir, Request request) {
        try (TempDirectory tmp = new TempDirectory("ebpm-install-")) {
            Path archive = new SourceBuilder(session).pack(dir, tmp.path());
            Optional<String> signature = request.signature().map(DirectSource::readSignature);
            return installArchive(Files.readAllBytes(archive), InstallSource.file(dir), dir.toString(), signature, request.allowUnsigned());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + dir, e);
        }
    }

    /**
     * Unpacks (every file checked against the manifest), decides trust, and only then stores. An archive whose exact bytes
     * are installed already is recognised by its SHA-256 without unpacking.
     */
    private InstallResult installArchive(byte[] archive, InstallSource source, String origin, Optional<String> signature, boolean allowUnsigned) {
        LocalStore store = session.store();
        long t = Timing.start();
        String archiveSha = Digests.sha256Hex(archive);
        Timing.report("install: archive sha256", t);
        Optional<InstalledVersion> same = store.packages().findByArchive(archiveSha);
        if (same.isPresent()) return new InstallResult(same.get().name(), same.get().version(), true, 0, 0);
        t = Timing.start();
        UnpackedPackage pkg;
        try {
            pkg = PackageArchive.unpack(new ByteArrayInputStream(archive), limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive from " + origin, e);
        }
        Timing.report("install: unpack and file sha256s", t);
        t = Timing.start();
        SignatureRecord sig = trust().decide(KeyRing.ANY_SOURCE, origin, signature.orElse(null), pkg, allowUnsigned, TrustPolicy.Action.INSTALL);
        Timing.report("install: signature", t);
        t = Timing.start();
        InstallResult r = store.installs().install(pkg, archive, source, sig);
        Timing.report("install: store", t);
        return r;
    }

    private PackageTrust trust() {
        return new PackageTrust(keys.ring(), session::warn);
    }

    private long maxArchiveBytes() {
        // compressed size is below the expanded size plus tar overhead for anything legitimate
        return limits.maxTotalBytes() + (1 << 20);
    }
}
