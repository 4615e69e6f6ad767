package dev.ebpm.core.hub;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.core.trust.PackageTrust;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.ReferenceSource;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import dev.ebpm.registry.hubs.HubTransports;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.InstallSource;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.InstalledVersion;
import dev.ebpm.store.OciObject;
import dev.ebpm.store.SignatureRecord;
import java.util.List;
import java.util.Optional;

/**
 * Packages named by an OCI reference ({@code registry/repo[:tag][@sha256:...]}) rather than on a configured hub, for
 * install, run, info, pull and export: what a reference names now (its own digest; else, offline or locked, the pin
 * ebpm.lock holds for its tag; else the registry's answer), whether that digest is installed, fetching it through the
 * hub SPI's {@link ReferenceSource}, the trust decision, and pinning the tag once the package is accepted.
 */
public final class References {
    /** What a reference resolved to: the digest, and whether the user pinned it (in the reference or ebpm.lock). */
    public record Resolved(ArtifactReference reference, String digest, boolean pinned) {}

    private final Session session;
    private final Keys keys;
    private final Hubs hubs;
    private ReferenceSource source;

    public References(Session session, Keys keys) {
        this.session = session;
        this.keys = keys;
        this.hubs = new Hubs(session, keys);
    }

    public TransportContext context() {
        return hubs.context();
    }

    private synchronized ReferenceSource source() {
        if (source == null) source = HubTransports.references(hubs.context());
        return source;
    }

    public Resolved resolve(PackageSpec.OciReference spec) {
        ArtifactReference ref = spec.artifact();
        if (ref.digest() != null) return new Resolved(ref, ref.digest(), true);
        Lockfile lock = Lockfile.load(hubs.lockfile());
        Optional<Lockfile.Pin> pin = lock.pin(ref.tagged());
        if (session.offline()) {
            Lockfile.Pin p = pin.orElseThrow(() -> new OfflineException("offline: " + ref + " is not pinned in " + lock.file()
                    + " (install it once online, or name it by digest: @sha256:...)"));
            return new Resolved(ref, p.digest(), true);
        }
        if (session.settings().locked() && pin.isEmpty()) {
            throw new RegistryException("--locked: " + ref.tagged() + " is not in " + lock.file() + "; install it without --locked first");
        }
        String now = source().resolve(ref);
        if (session.settings().locked() && !pin.get().digest().equals(now)) {
            throw new RegistryException("--locked: the tag " + ref.tagged() + " moved: it names " + now + " now, " + lock.file() + " pins "
                    + pin.get().digest() + "; refused");
        }
        return new Resolved(ref, now, pin.isPresent() && pin.get().digest().equals(now));
    }

    /** The installed version that came from exactly this digest of this repository, if any. */
    public Optional<InstalledVersion> installed(Resolved r) {
        return session.existingStore().flatMap(s -> s.packages().findBySource(InstallSource.oci(r.reference().name() + "@" + r.digest())));
    }

    public FetchedPackage fetch(Resolved r) {
        if (session.offline()) {
            throw new OfflineException("offline: " + r.reference() + " (" + r.digest() + ") is not installed; install it once online");
        }
        FetchedPackage f = source().fetch(r.reference(), r.digest());
        for (String note : f.origin().notes()) session.note(note);
        return f;
    }

    /**
     * Trust, as for any package: an ebpm artifact's signature referrers are checked like a hub package's signature (source
     * {@code *}: keys trusted for files and URLs); a foreign format needs the digest pinned or {@code --allow-unsigned}.
     */
    public SignatureRecord trust(FetchedPackage f, Resolved r, boolean allowUnsigned, TrustPolicy.Action action) {
        return trust(f, KeyRing.ANY_SOURCE, r.reference().toString(), r.pinned() ? r.digest() : null, allowUnsigned, action);
    }

    /** The decision for a package from an OCI registry or layout, with the key source and pin given. */
    public SignatureRecord trust(FetchedPackage f, String keySource, String what, String pinnedDigest, boolean allowUnsigned, TrustPolicy.Action action) {
        PackageTrust t = new PackageTrust(keys.ring(), session::warn);
        if (!f.origin().signable()) return t.decideForeign(what, f.origin().format(), f.pkg(), pinnedDigest, allowUnsigned, action);
        return t.decide(keySource, what, f.origin().signatures(), f.pkg(), allowUnsigned, action);
    }

    /** Pins the reference's tag to what was installed (unless locked: the lockfile is the law then). */
    public void lock(Resolved r, PackageName name, Version version) {
        if (session.settings().locked() || r.reference().tag() == null) return;
        Lockfile lock = Lockfile.load(hubs.lockfile());
        Lockfile.Pin pin = new Lockfile.Pin(r.reference().tagged(), r.digest(), name, version);
        if (pin.equals(lock.pin(pin.reference()).orElse(null))) return;
        lock.put(pin);
        lock.save();
    }

    /**
     * Stores a fetched package: its archive from the downloaded file (streamed and hashed on the way in, not read into
     * memory), its files, and the objects it came as.
     */
    public static InstallResult install(LocalStore store, FetchedPackage f, InstallSource source, SignatureRecord sig) {
        if (f.archive() != null && f.pkg().archiveSha256() != null) {
            return store.installs().install(f.pkg(), f.archive(), f.pkg().archiveSha256(), source, sig, objects(f));
        }
        return store.installs().install(f.pkg(), f.archiveBytesOrNull(), source, sig, objects(f));
    }

    /** The objects a fetched package came as, for the store. */
    public static List<OciObject> objects(FetchedPackage f) {
        if (f.origin() == null) return List.of();
        return f.origin().objects().stream().map(o -> new OciObject(o.digest(), o.mediaType(), o.size(), o.role(), o.file())).toList();
    }

    /** The store's install source for it: {@code registry/repository@digest}. */
    public static InstallSource source(FetchedPackage f) {
        return InstallSource.oci(f.origin().pinned());
    }

}
