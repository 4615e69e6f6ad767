package dev.ebpm.registry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the CLI uses: the configured hubs as one {@link HubResolver}, plus fetch (resolve, download, verify, unpack,
 * honour the lockfile), search, info, publish and yank. Caches live under {@code <store>/cache/}.
 */
public final class HubClient {
    /** How the client behaves; {@link #defaults(Path)} then adjust. */
    public record Options(Path storeRoot, boolean offline, boolean quiet, Path examplesDir, UnaryOperator<Path> exampleBuilder,
                          boolean locked, Path lockfile, HubHttp.Options http, PrintStream warnings, HubConfig.Storage config,
                          IndexGuard indexGuard) {
        public static Options defaults(Path storeRoot) {
            return new Options(storeRoot, false, false, null, null, false, null, HubHttp.Options.defaults(), System.err, null, null);
        }

        /** What every index hub's index must pass before it is used (null: none). */
        public Options indexGuard(IndexGuard g) {
            return new Options(storeRoot, offline, quiet, examplesDir, exampleBuilder, locked, lockfile, http, warnings, config, g);
        }

        /** Where the hub list is kept (default: {@code <store>/config/hubs.json}). */
        public Options config(HubConfig.Storage c) {
            return new Options(storeRoot, offline, quiet, examplesDir, exampleBuilder, locked, lockfile, http, warnings, c, indexGuard);
        }

        public Options offline(boolean v) {
            return new Options(storeRoot, v, quiet, examplesDir, exampleBuilder, locked, lockfile, http.offline(v), warnings, config, indexGuard);
        }

        public Options quiet(boolean v) {
            return new Options(storeRoot, offline, v, examplesDir, exampleBuilder, locked, lockfile, http, warnings, config, indexGuard);
        }

        public Options examples(Path dir, UnaryOperator<Path> builder) {
            return new Options(storeRoot, offline, quiet, dir, builder, locked, lockfile, http, warnings, config, indexGuard);
        }

        /** {@code lockfile} null means do not read or write a lockfile. */
        public Options lock(Path lockfile, boolean locked) {
            return new Options(storeRoot, offline, quiet, examplesDir, exampleBuilder, locked, lockfile, http, warnings, config, indexGuard);
        }

        public Options http(HubHttp.Options h) {
            return new Options(storeRoot, offline, quiet, examplesDir, exampleBuilder, locked, lockfile, h.offline(offline), warnings, config, indexGuard);
        }

        public Options warnings(PrintStream w) {
            return new Options(storeRoot, offline, quiet, examplesDir, exampleBuilder, locked, lockfile, http, w, config, indexGuard);
        }
    }

    /** True when {@code EBPM_OFFLINE} is set to 1/true. */
    public static boolean offlineFromEnvironment() {
        String v = System.getenv("EBPM_OFFLINE");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    private final Options options;
    private final HubConfig config;
    private final HubHttp http;
    private final IndexCache indexCache;
    private final Downloader downloader;
    private final HubResolver resolver;

    public HubClient(Options options) {
        this.options = options;
        this.config = HubConfig.load(options.config() != null ? options.config() : HubConfig.file(options.storeRoot()));
        this.http = new HubHttp(options.http().offline(options.offline()));
        Path cache = options.storeRoot().resolve("cache");
        this.indexCache = new IndexCache(cache.resolve("index"));
        this.downloader = new Downloader(http, cache.resolve("downloads"), Downloader.DEFAULT_MAX_BYTES, options.quiet());
        List<Hub> hubs = new ArrayList<>();
        for (HubConfig.HubDefinition d : config.hubs(options.examplesDir())) hubs.add(hubFor(d));
        this.resolver = new HubResolver(hubs, options.warnings());
    }

    public Hub hubFor(HubConfig.HubDefinition d) {
        return switch (d.type()) {
            case INDEX -> new HttpIndexHub(d.name(), d.url(), http, indexCache, downloader, options.indexGuard());
            case STATIC -> new StaticHttpHub(d.name(), d.url(), http);
            case DIRECTORY -> new DirectoryHub(d.name(), Path.of(d.url().startsWith("file:") ? java.net.URI.create(d.url()).getPath() : d.url()),
                    d.name().equals(HubConfig.EXAMPLES) && d.builtIn() ? options.exampleBuilder() : null);
        };
    }

    public HubConfig config() {
        return config;
    }

    public HubResolver resolver() {
        return resolver;
    }

    public Downloader downloader() {
        return downloader;
    }

    public HubHttp http() {
        return http;
    }

    /**
     * Resolves {@code spec} ({@code [hub/]name[@version|@range]}), downloads and verifies it. With a lockfile, a
     * locked fetch takes exactly the pinned version and digest; an unlocked one records what it chose.
     */
    public FetchedPackage fetch(String specText) {
        PackageSpec spec = PackageSpec.parse(specText);
        Lockfile lock = options.lockfile() == null ? null : Lockfile.load(options.lockfile());
        if (options.locked()) {
            if (lock == null) throw new RegistryException("--locked needs a lockfile");
            return fetchLocked(spec, lock);
        }
        HubResolver.Resolution r = resolver.resolve(spec);
        FetchedPackage f = r.hub().fetch(r.pkg(), r.version());
        if (lock != null) {
            lock.put(new Lockfile.Entry(f.manifest().name(), f.manifest().version(), f.sha256(), f.hub()));
            lock.save();
        }
        return f;
    }

    private FetchedPackage fetchLocked(PackageSpec spec, Lockfile lock) {
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
        HubPackage pkg = hub.find(e.name()).orElseThrow(() -> new RegistryException(
                "--locked: hub " + e.hub() + " no longer has " + e.name()));
        HubVersion v = pkg.exactly(e.version()).orElseThrow(() -> new RegistryException(
                "--locked: hub " + e.hub() + " no longer has " + e.name() + "@" + e.version()));
        if (!v.sha256().equals(e.sha256())) {
            throw new RegistryException("--locked: " + e.name() + "@" + e.version() + " on hub " + e.hub() + " has sha256 " + v.sha256()
                    + " but " + lock.file() + " pins " + e.sha256());
        }
        FetchedPackage f = hub.fetch(pkg, v);
        if (!f.sha256().equals(e.sha256())) {
            throw new RegistryException("--locked: " + e.name() + " fetched with sha256 " + f.sha256() + ", " + lock.file() + " pins " + e.sha256());
        }
        return f;
    }

    public List<HubResolver.SearchHit> search(String term) {
        return resolver.search(term);
    }

    /** What hubs know about a package, whether or not it is installed: the first hub that has it. */
    public Optional<RemoteInfo> info(String specText) {
        PackageSpec spec = PackageSpec.parse(specText);
        for (Hub h : spec.hub() == null ? resolver.hubs() : List.of(resolver.hub(spec.hub()).orElseThrow(
                () -> new RegistryException("no hub named " + spec.hub())))) {
            try {
                Optional<HubPackage> p = h.find(spec.name());
                if (p.isPresent()) return Optional.of(new RemoteInfo(h.name(), h.location(), p.get()));
            } catch (RegistryException e) {
                if (options.warnings() != null) options.warnings().println("ebpm: warning: hub " + h.name() + " skipped: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** A package as a hub lists it, for {@code ebpm info}. */
    public record RemoteInfo(String hub, String location, HubPackage pkg) {}

    /** The named hub, which must speak the ebpm protocol (publish and yank need one). */
    public HttpIndexHub indexHub(String name) {
        Hub h = resolver.hub(name).orElseThrow(() -> new RegistryException("no hub named " + name + " (see ebpm hub list)"));
        if (h instanceof HttpIndexHub ih) return ih;
        throw new RegistryException("hub " + name + " is a " + (h instanceof DirectoryHub ? "directory" : "static") + " hub; publishing needs an ebpm hub");
    }

    /** An index hub at {@code url} under its own {@code guard} (e.g. one that checks a key about to be pinned). */
    public HttpIndexHub indexHubAt(String name, String url, IndexGuard guard) {
        return new HttpIndexHub(name, url, http, indexCache, downloader, guard);
    }

    /** An ad-hoc hub for a URL given on the command line ({@code --hub http://...}). */
    public HttpIndexHub indexHubAt(String url) {
        return new HttpIndexHub(url, url, http, indexCache, downloader, options.indexGuard());
    }
}
