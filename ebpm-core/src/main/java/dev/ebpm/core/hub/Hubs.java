package dev.ebpm.core.hub;

import dev.ebpm.core.examples.ExamplesSigner;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.trust.IndexTrust;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.IndexGuard;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.RegistryOptions;
import dev.ebpm.registry.TransportContext;
import dev.ebpm.registry.hubs.HttpIndexHub;
import dev.ebpm.registry.hubs.HubTransports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session's hubs: every configured {@link HubDefinition} opened through its {@link HubTransport}, with the session's
 * HTTP client, the store's cache, the index check ({@link IndexTrust}) and the examples builder handed down. Resolves a
 * spec over them ({@link HubResolver}), honouring {@code ebpm.lock} when the session is locked, and fetches.
 */
public final class Hubs {
    private final Session session;
    private final HubList list;
    private final TransportContext context;
    private final HubResolver resolver;

    public Hubs(Session session, Keys keys) {
        this.session = session;
        this.list = HubList.load(session);
        ExamplesSigner signer = new ExamplesSigner(session, keys.builtin());
        this.context = new TransportContext(session.http(), session.storeRoot().resolve("cache"), new IndexTrust(session, keys, list::allowsUnsigned),
                signer::buildAndSign, session.settings().transfers(), RegistryOptions.defaults().insecure(session.settings().insecureRegistries()));
        List<Hub> hubs = new ArrayList<>();
        for (HubDefinition d : list.hubs()) hubs.add(open(d));
        this.resolver = new HubResolver(hubs, session::warn);
    }

    public HubList list() {
        return list;
    }

    public TransportContext context() {
        return context;
    }

    public HubResolver resolver() {
        return resolver;
    }

    public Hub open(HubDefinition d) {
        return HubTransports.byType(d.type()).open(d, context);
    }

    /** True if the user set allow_unsigned on the hub of that name. */
    public boolean allowsUnsigned(String hub) {
        return list.allowsUnsigned(hub);
    }

    public Path lockfile() {
        return Lockfile.defaultLocation(session.storeRoot());
    }

    /**
     * Resolves {@code spec} and downloads it, verified against what its hub announced. When the session is locked it takes
     * exactly the version and digest ebpm.lock pins (yanked or not) and refuses anything not pinned. Writes nothing to
     * the lockfile: {@link #lock} does, once the caller has accepted the package.
     */
    public FetchedPackage fetch(PackageSpec.Named spec) {
        if (session.settings().locked()) return fetchLocked(spec, Lockfile.load(lockfile()));
        HubResolver.Resolution r = resolver.resolve(spec);
        return r.hub().fetch(r.pkg(), r.version());
    }

    /**
     * Runs the caller's check of a fetched package (its trust decision); a package the check refuses is dropped from the
     * download cache at once, so no refused archive is kept to be found later.
     */
    public <T> T refusing(FetchedPackage f, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            context.downloader().discard(f.sha256());
            throw e;
        }
    }

    /** Records in ebpm.lock what was fetched and accepted (unless locked: then the lockfile is the law, not a record). */
    public void lock(FetchedPackage f) {
        if (session.settings().locked()) return;
        Lockfile lock = Lockfile.load(lockfile());
        lock.put(new Lockfile.Entry(f.manifest().name(), f.manifest().version(), f.sha256(), f.hub()));
        lock.save();
    }

    private FetchedPackage fetchLocked(PackageSpec.Named spec, Lockfile lock) {
        Lockfile.Entry e = lock.find(spec.name()).orElseThrow(() -> new RegistryException(
                "--locked: " + spec.name() + " is not in " + lock.file() + "; install it without --locked first"));
        if (!spec.range().matches(e.version()) && !(spec.exact() != null && spec.exact().equals(e.version())) && !spec.anyVersion()) {
            throw new RegistryException("--locked: " + lock.file() + " pins " + e.name() + "@" + e.version() + ", which is not " + spec.range());
        }
        if (spec.hub() != null && !spec.hub().equals(e.hub())) {
            throw new RegistryException("--locked: " + lock.file() + " pins " + e.name() + " to hub " + e.hub() + ", not " + spec.hub());
        }
        Hub hub = resolver.hub(e.hub()).orElseThrow(() -> new RegistryException(
                "--locked: " + e.name() + " is pinned to hub " + e.hub() + ", which is not configured"));
        HubPackage pkg = hub.find(e.name()).orElseThrow(() -> new RegistryException("--locked: hub " + e.hub() + " no longer has " + e.name()));
        HubVersion v = pkg.exactly(e.version()).orElseThrow(() -> new RegistryException(
                "--locked: hub " + e.hub() + " no longer has " + e.name() + "@" + e.version()));
        // a registry hub knows a version's digest only once its tag is resolved: the fetch below is checked instead
        if (v.sha256() != null && !v.sha256().equals(e.sha256())) {
            throw new RegistryException("--locked: " + e.name() + "@" + e.version() + " on hub " + e.hub() + " has sha256 " + v.sha256()
                    + " but " + lock.file() + " pins " + e.sha256());
        }
        FetchedPackage f = hub.fetch(pkg, v);
        if (!f.sha256().equals(e.sha256())) {
            throw new RegistryException("--locked: " + e.name() + "@" + e.version() + " on hub " + e.hub() + " now has sha256 " + f.sha256()
                    + " (its tag moved), " + lock.file() + " pins " + e.sha256() + "; refused");
        }
        return f;
    }

    public List<HubResolver.SearchHit> search(String term) {
        return resolver.search(term);
    }

    /** A package as a hub lists it, for {@code ebpm info} of a package not installed. */
    public record RemoteInfo(String hub, String location, HubPackage pkg) {}

    /** What the first hub that has it knows about a package, whether or not it is installed. */
    public Optional<RemoteInfo> info(PackageSpec.Named spec) {
        List<Hub> candidates = spec.hub() == null ? resolver.hubs()
                : List.of(resolver.hub(spec.hub()).orElseThrow(() -> new RegistryException("no hub named " + spec.hub() + " (read as HUB/NAME)")));
        for (Hub h : candidates) {
            try {
                Optional<HubPackage> p = h.find(spec.name());
                if (p.isPresent()) return Optional.of(new RemoteInfo(h.name(), h.location(), p.get()));
            } catch (RegistryException e) {
                session.warn("hub " + h.name() + " skipped: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The named hub, or an index hub at a URL given on the command line; publishing and yanking need an ebpm index hub. */
    public HttpIndexHub indexHub(String nameOrUrl) {
        if (nameOrUrl.startsWith("http://") || nameOrUrl.startsWith("https://")) {
            return new HttpIndexHub(nameOrUrl, nameOrUrl, context);
        }
        Hub h = resolver.hub(nameOrUrl).orElseThrow(() -> new RegistryException("no hub named " + nameOrUrl + " (see ebpm hub list)"));
        if (h instanceof HttpIndexHub ih) return ih;
        HubDefinition d = list.find(nameOrUrl).orElseThrow();
        throw new RegistryException("hub " + nameOrUrl + " is a " + d.type() + " hub; publishing needs an ebpm index hub");
    }

    /** An index hub at {@code url} under its own {@code guard} (e.g. one that checks a key about to be pinned). */
    public HttpIndexHub indexHubAt(String name, String url, IndexGuard guard) {
        return new HttpIndexHub(name, url, context.withIndexGuard(guard));
    }
}
