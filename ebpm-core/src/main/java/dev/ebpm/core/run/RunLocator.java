package dev.ebpm.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.fetch.DirectSource;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.InstalledPackageVerifier;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.core.trust.PackageTrust;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.hubs.StaticManifests;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.InstalledPackages;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code ebpm run SPEC} loads, for every form of {@link PackageSpec}:
 * <ul>
 *   <li>a file (package.json, *.skel.json beside its .bpf.o, a plain .bpf.o, app.wasm, a .ebpm archive) or standard
 *       input: the user's own bytes, decoded as they are;</li>
 *   <li>a directory: its package.json or app.wasm, or, when its sources are newer, a build of them in the user's
 *       cache (the directory is never written);</li>
 *   <li>NAME[@RANGE]: the installed version (its signature re-verified against today's keys and every file re-hashed,
 *       offline), else fetched from the hubs and run without storing, as ecli does, under the same trust policy as
 *       install; HUB/NAME likewise, installed from that hub or fetched from it;</li>
 *   <li>a URL: downloaded and, as for a hub, refused unless signed by a trusted key ({@code URL.sig}) or allowed unsigned.</li>
 * </ul>
 */
public final class RunLocator {
    private static final long MAX_PACKAGE = 128L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Session session;
    private final Keys keys;

    public RunLocator(Session session) {
        this.session = session;
        this.keys = new Keys(session);
    }

    /** @param allowUnsigned let an unsigned or untrusted package fetched from a hub or URL run, with a warning */
    public RunnablePackage locate(PackageSpec spec, boolean allowUnsigned) {
        if (spec instanceof PackageSpec.Named named) return named(named, allowUnsigned);
        if (spec instanceof PackageSpec.OciReference) {
            throw new SpecException("\"" + spec.text() + "\" (read as " + spec.form() + "): this ebpm cannot fetch from OCI registries");
        }
        if (spec instanceof PackageSpec.LocalPath p && Files.isDirectory(p.path())) return directory(p.path());
        boolean url = spec instanceof PackageSpec.Url;
        if (url) Verifier.warmUp();
        DirectSource.Read read = new DirectSource(session).read(spec, MAX_PACKAGE, url);
        if (isArchive(read.bytes())) return archive(read, url, allowUnsigned);
        if (url) return urlFile(read, allowUnsigned);
        RunnablePackage p = PackageDecoder.decode(read.bytes(), read.fileName(), read.origin(), read.directory());
        if (read.directory() == null) return p;
        String name = p.isWasm() && read.fileName().equals("app.wasm") && read.directory().getFileName() != null
                ? read.directory().getFileName().toString() : p.name(); // eunomia's layout is NAME/app.wasm
        return p.named(name, versionBeside(read.directory()), p.origin());
    }

    private RunnablePackage directory(Path dir) {
        Path file = new SourceBuilder(session).artifactFor(dir);
        return locate(new PackageSpec.LocalPath(file.toString(), file), false);
    }

    private RunnablePackage named(PackageSpec.Named spec, boolean allowUnsigned) {
        Optional<RunnablePackage> installed = installed(spec);
        if (installed.isPresent()) return installed.get();
        // not installed: fetch from the hubs (the embedded examples first) and run without storing, as ecli does,
        // but only what install would let in: the signature checked against the keys trusted for that hub
        Verifier.warmUp();
        Hubs hubs = new Hubs(session, keys);
        FetchedPackage f = hubs.fetch(spec);
        new PackageTrust(keys.ring(), session::warn).decide(f.hub(), "hub " + f.hub(), f.signature(), f.pkg(),
                allowUnsigned || hubs.allowsUnsigned(f.hub()), TrustPolicy.Action.RUN);
        String origin = f.manifest().id() + " from hub " + f.hub();
        return entry(f.pkg(), origin);
    }

    /** The installed version {@code spec} names, checked: no installed version matching gives empty, or an error if others are installed. */
    private Optional<RunnablePackage> installed(PackageSpec.Named spec) {
        Optional<LocalStore> store = session.existingStore();
        if (store.isEmpty()) return Optional.empty();
        InstalledPackages packages = store.get().packages();
        Optional<InstalledVersion> v = packages.resolveInstalled(spec.name(), spec.anyVersion() ? null : spec.range());
        if (v.isPresent() && spec.hub() != null && !InstallSource.hub(spec.hub()).equals(v.get().source())) v = Optional.empty();
        if (v.isEmpty()) {
            if (!spec.anyVersion() && spec.hub() == null && !packages.versions(spec.name()).isEmpty()) {
                throw new SpecException(spec.name() + " is installed, but no installed version matches " + spec.range() + " (installed: "
                        + packages.versions(spec.name()).stream().map(iv -> iv.version().toString()).toList() + ")");
            }
            return Optional.empty();
        }
        Verifier.warmUp();
        InstalledPackageVerifier.Checked checked = InstalledPackageVerifier.check(packages, keys.ring(), spec.name(), v.get().version());
        if (checked.warning() != null) session.warn(checked.warning());
        String entry = checked.manifest().entry();
        String origin = spec.name() + "@" + v.get().version() + " (installed, " + entry + ")";
        RunnablePackage p = PackageDecoder.decode(checked.entry(), entry, origin, null);
        return Optional.of(p.named(spec.name().value(), v.get().version().toString(), origin));
    }

    /** An .ebpm archive: a local one is the user's own; a downloaded one must pass the trust policy. */
    private RunnablePackage archive(DirectSource.Read read, boolean checkTrust, boolean allowUnsigned) {
        UnpackedPackage pkg;
        try {
            pkg = PackageArchive.unpack(new ByteArrayInputStream(read.bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive from " + read.origin(), e);
        }
        if (checkTrust) {
            new PackageTrust(keys.ring(), session::warn).decide(KeyRing.ANY_SOURCE, read.origin(), read.signature().orElse(null), pkg,
                    allowUnsigned, TrustPolicy.Action.RUN);
        }
        return entry(pkg, pkg.manifest().id() + " (" + read.origin() + ")");
    }

    /**
     * A bare package.json or app.wasm at a URL (ecli's {@code ecli run https://.../package.json}): wrapped in the manifest
     * a static hub would give it, so {@code URL.sig} can sign it the same way, then held to the trust policy.
     */
    private RunnablePackage urlFile(DirectSource.Read read, boolean allowUnsigned) {
        String dirName = urlDirectoryName(read.origin());
        PackageName name;
        try {
            name = PackageName.parse(dirName);
        } catch (InvalidPackageException e) {
            name = PackageName.parse("package");
        }
        String file = read.fileName().endsWith(".wasm") ? StaticManifests.APP_WASM : StaticManifests.PACKAGE_JSON;
        UnpackedPackage pkg = StaticManifests.wrap(name, file, read.bytes(), null);
        new PackageTrust(keys.ring(), session::warn).decide(KeyRing.ANY_SOURCE, read.origin(), read.signature().orElse(null), pkg,
                allowUnsigned, TrustPolicy.Action.RUN);
        RunnablePackage p = PackageDecoder.decode(read.bytes(), read.fileName(), read.origin(), null);
        return p.named(p.isWasm() ? name.value() : p.name(), null, read.origin());
    }

    private RunnablePackage entry(UnpackedPackage pkg, String origin) {
        String entry = pkg.manifest().entry();
        RunnablePackage p = PackageDecoder.decode(pkg.bytes(entry), entry, origin, null);
        return p.named(pkg.manifest().name().value(), pkg.manifest().version().toString(), origin);
    }

    private static String urlDirectoryName(String url) {
        String path = java.net.URI.create(url).getPath();
        if (path == null) return "";
        int end = path.lastIndexOf('/');
        if (end <= 0) return "";
        return path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    }

    private static boolean isArchive(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b; // gzip: an .ebpm archive
    }

    /** The version an ebpm.json beside a package file declares, if there is one. */
    private static String versionBeside(Path dir) {
        Path manifest = dir.resolve("ebpm.json");
        if (!Files.isRegularFile(manifest)) return null;
        try {
            JsonNode v = JSON.readTree(manifest.toFile()).get("version");
            return v != null && v.isTextual() ? v.asText() : null;
        } catch (IOException e) {
            throw new SpecException(manifest + " is not valid JSON: " + e.getMessage());
        }
    }
}
