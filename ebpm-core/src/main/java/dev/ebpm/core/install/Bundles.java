package dev.ebpm.core.install;

import dev.ebpm.core.hub.Lockfile;
import dev.ebpm.core.hub.References;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import dev.ebpm.registry.oci.ArtifactBuilder;
import dev.ebpm.registry.oci.ArtifactFetcher;
import dev.ebpm.registry.oci.Descriptor;
import dev.ebpm.registry.oci.DistributionClient;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.registry.oci.ImageLayout;
import dev.ebpm.registry.oci.MediaTypes;
import dev.ebpm.registry.oci.OciDocument;
import dev.ebpm.registry.oci.OciHub;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.SignatureRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Air-gapped transfer: {@code ebpm export PKG|REF... -o bundle.tar} writes an uncompressed tar of an OCI image layout
 * (what {@code ig image export} writes, what {@code skopeo copy oci-archive:} reads): each package as its artifact, named
 * in index.json, its signature referrer listed under the referrers tag schema's name ({@code REPO:sha256-HEX}) so a
 * copy to a registry keeps it findable. {@code ebpm import bundle.tar} installs every package in one, each verified as
 * a pull would be, with no network.
 */
public final class Bundles {
    /** Largest blob read from a bundle: the archive limit plus headroom, as downloads. */
    private static final long MAX_BLOB = (256L << 20) + (1 << 20);

    private final Session session;
    private final Keys keys;

    public Bundles(Session session) {
        this.session = session;
        this.keys = new Keys(session);
    }

    /** What an export wrote: the file, and each package's ref name in it. */
    public record Exported(Path file, List<String> names, long bytes) {}

    /** One package of an import: its ref name in the bundle and what installing it did. */
    public record Imported(String name, String digest, String format, InstallResult result) {}

    private record Artifact(String refName, String repository, List<ArtifactObject> objects) {}

    public Exported export(List<PackageSpec> specs, Path out) {
        if (specs.isEmpty()) throw new SpecException("export needs at least one installed package or reference");
        References refs = new References(session, keys);
        TransportContext context = refs.context();
        List<Artifact> artifacts = new ArrayList<>();
        for (PackageSpec spec : specs) artifacts.add(artifact(spec, refs, context));
        List<ImageLayout.Named> named = new ArrayList<>();
        List<ArtifactObject> objects = new ArrayList<>();
        ArtifactBuilder builder = new ArtifactBuilder(OciHub.cache(context));
        for (Artifact a : artifacts) {
            ArtifactObject manifest = a.objects().stream().filter(o -> o.role().equals(ArtifactObject.MANIFEST)).findFirst().orElseThrow();
            for (ArtifactObject o : a.objects()) if (!o.role().equals(ArtifactObject.INDEX)) objects.add(o);
            named.add(new ImageLayout.Named(new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), null, null, null), a.refName()));
            List<Descriptor> referrers = new ArrayList<>();
            for (ArtifactObject o : a.objects()) {
                if (!o.role().equals(ArtifactObject.REFERRER)) continue;
                OciDocument.Manifest m = (OciDocument.Manifest) OciDocument.parse(read(o.file()), o.mediaType(), "referrer " + o.digest());
                referrers.add(new Descriptor(o.mediaType(), o.digest(), o.size(), m.effectiveArtifactType(), null, null));
            }
            if (!referrers.isEmpty()) {
                // the referrers tag schema's index, named as that tag: copied to a registry, the signature stays findable
                byte[] index = new OciDocument.Index(MediaTypes.OCI_INDEX, null, referrers, null, null).toJson();
                List<ArtifactObject> made = new ArrayList<>();
                Descriptor d = builder.blobOf(MediaTypes.OCI_INDEX, index, made);
                objects.addAll(made);
                named.add(new ImageLayout.Named(d, a.repository() + ":" + DistributionClient.fallbackTag(manifest.digest())));
            }
        }
        Path target = out.toAbsolutePath();
        try {
            AtomicFiles.write(target, os -> ImageLayout.write(os, named, objects));
            return new Exported(target, artifacts.stream().map(Artifact::refName).toList(), Files.size(target));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    /** The objects of one package to export: as pulled (from the store, or the registry if not installed), or made from an install. */
    private Artifact artifact(PackageSpec spec, References refs, TransportContext context) {
        if (spec instanceof PackageSpec.OciReference o) {
            References.Resolved r = refs.resolve(o);
            String refName = r.reference().tag() != null ? r.reference().tagged() : r.reference().name() + "@" + r.digest();
            Optional<InstalledVersion> iv = refs.installed(r);
            if (iv.isPresent()) return new Artifact(refName, r.reference().name(), stored(iv.get()));
            FetchedPackage f = refs.fetch(r);
            return new Artifact(refName, r.reference().name(), f.origin().objects());
        }
        if (!(spec instanceof PackageSpec.Named n)) {
            throw new SpecException("export takes installed packages (NAME[@VERSION]) and registry references, not " + spec.form() + " (\"" + spec.text() + "\")");
        }
        LocalStore store = session.existingStore().orElseThrow(() -> new SpecException(n.name() + " is not installed"));
        InstalledVersion v = store.packages().resolveInstalled(n.name(), n.anyVersion() ? null : n.range())
                .orElseThrow(() -> new SpecException(n.text() + " is not installed (export takes what is installed, or a registry reference)"));
        List<ArtifactObject> pulled = stored(v);
        if (!pulled.isEmpty() && v.source() != null && v.source().kind() == InstallSource.Kind.OCI) {
            // named as it was pulled: its repository, and the tag ebpm.lock pins to its digest (else its version, as a tag)
            String pinned = v.source().location();
            String repo = pinned.substring(0, pinned.indexOf('@'));
            String digest = pinned.substring(pinned.indexOf('@') + 1);
            String tag = Lockfile.load(Lockfile.defaultLocation(session.storeRoot())).pins().stream()
                    .filter(p -> p.digest().equals(digest) && p.reference().startsWith(repo + ":"))
                    .map(p -> p.reference().substring(repo.length() + 1)).findFirst().orElse(asTag(v.version().toString()));
            return new Artifact(repo + ":" + tag, repo, pulled);
        }
        String refName = v.name() + ":" + asTag(v.version().toString());
        if (!pulled.isEmpty()) return new Artifact(refName, v.name().value(), pulled);
        return new Artifact(refName, v.name().value(), made(store, v, context));
    }

    /** A version as a tag: '+' (build metadata) is not allowed in tags. */
    private static String asTag(String version) {
        return version.replace('+', '_');
    }

    private List<ArtifactObject> stored(InstalledVersion v) {
        return session.store().packages().ociObjects(v.name(), v.version()).stream()
                .map(o -> new ArtifactObject(o.digest(), o.mediaType(), o.size(), o.role(), o.file())).toList();
    }

    /** ebpm's artifact for a package installed from elsewhere: its archive (or one packed from its files) and its signature. */
    private List<ArtifactObject> made(LocalStore store, InstalledVersion v, TransportContext context) {
        SignatureRecord sig = store.packages().signature(v.name(), v.version());
        byte[] manifestJson = store.packages().manifestJson(v.name(), v.version());
        PackageManifest m = PackageManifest.parse(manifestJson);
        Path archive;
        if (v.archiveSha256() != null) {
            archive = store.blobs().find(v.archiveSha256()).orElseThrow(() -> new RegistryException("the archive of " + v.id() + " is missing from the store; reinstall it"));
        } else {
            SortedMap<String, byte[]> files = new TreeMap<>();
            byte[] entry = store.packages().verifiedEntry(v.name(), v.version(), m);
            for (String path : m.files().keySet()) files.put(path, path.equals(m.entry()) ? entry : store.packages().openFile(v.name(), v.version(), path));
            if (!java.util.Arrays.equals(m.toJson(), manifestJson)) {
                throw new RegistryException(v.id() + " was installed without an archive and its ebpm.json is not canonical; it cannot be exported signed");
            }
            byte[] packed = PackageArchive.pack(m, files);
            try {
                String hex = dev.ebpm.pkg.Digests.sha256Hex(packed);
                var cache = OciHub.cache(context);
                cache.put(hex, packed);
                archive = cache.path(hex);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the download cache", e);
            }
        }
        byte[] envelope = sig.envelopeJson() == null ? null : sig.envelopeJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (envelope == null) session.warn("exporting " + v.id() + " without a signature (it was installed " + sig.status() + ")");
        return new ArtifactBuilder(OciHub.cache(context)).ebpm(archive, m, envelope);
    }

    /**
     * Installs every package a bundle holds (entries named in index.json that are not referrers or referrer indexes):
     * each read and verified from the bundle, then trust decided for all of them, then each stored; nothing is stored
     * if any is refused. No network.
     */
    public List<Imported> importBundle(Path bundle, boolean allowUnsigned) {
        if (!Files.isRegularFile(bundle)) throw new SpecException("no such file: " + bundle);
        References refs = new References(session, keys);
        ImageLayout layout = ImageLayout.read(bundle, OciHub.cache(refs.context()), MAX_BLOB);
        ArtifactFetcher fetcher = new ArtifactFetcher(OciHub.cache(refs.context()));
        record Ready(String name, FetchedPackage f, SignatureRecord sig) {}
        List<Ready> ready = new ArrayList<>();
        for (Descriptor e : layout.entries()) {
            String name = e.annotation(MediaTypes.REF_NAME);
            if (name == null || name.matches(".*:sha256-[0-9a-f]{64}")) continue;
            var doc = layout.manifest(e.digest()).orElseThrow().document(bundle.getFileName() + " " + name);
            if (doc.subject() != null) continue; // a referrer: read with its subject
            FetchedPackage f = fetcher.fetch(layout, reference(name, e.digest()), e.digest(), null);
            SignatureRecord sig = refs.trust(f, KeyRing.ANY_SOURCE, bundle.getFileName() + " (" + name + ")", null, allowUnsigned, TrustPolicy.Action.INSTALL);
            ready.add(new Ready(name, f, sig));
        }
        if (ready.isEmpty()) throw new RegistryException(bundle + " names no package in its index.json");
        List<Imported> out = new ArrayList<>();
        for (Ready r : ready) {
            FetchedPackage f = r.f();
            InstallResult result = References.install(session.store(), f, References.source(f), r.sig());
            References.Resolved resolved = new References.Resolved(f.origin().reference(), f.origin().digest(), false);
            refs.lock(resolved, f.manifest().name(), f.manifest().version());
            out.add(new Imported(r.name(), f.origin().digest(), f.origin().format(), result));
        }
        return out;
    }

    /** A ref name as a reference: a full one ({@code registry/repo:tag}) as it is; a short one ({@code name:tag}) in a "layout" registry. */
    static ArtifactReference reference(String refName, String digest) {
        try {
            PackageSpec s = PackageSpec.parse("oci://" + refName);
            if (s instanceof PackageSpec.OciReference o) return o.artifact();
        } catch (SpecException notFull) {
            // a short name, as skopeo and ig write for local layouts
        }
        int colon = refName.lastIndexOf(':');
        String repo = (colon > 0 ? refName.substring(0, colon) : refName).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._/-]", "-");
        String tag = colon > 0 ? refName.substring(colon + 1) : null;
        return new ArtifactReference("layout", repo.isEmpty() ? "bundle" : repo, tag, tag == null ? digest : null);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
