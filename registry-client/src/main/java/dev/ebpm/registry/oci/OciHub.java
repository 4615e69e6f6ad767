package dev.ebpm.registry.oci;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.ReferenceSource;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A repository prefix on an OCI registry used as a hub ({@code ebpm hub add team oci://registry.example/ebpf}):
 * package NAME is the repository {@code PREFIX/NAME}, its versions are its tags that read as semver ({@code 1.2.0} or
 * {@code v1.2.0}; others are ignored), so {@code team/sigsnoop@^1.2} takes the highest matching tag. The tag list is
 * one request (paginated when the registry says so); only the chosen tag is resolved and fetched.
 */
public final class OciHub implements Hub {
    public static final String TYPE = "oci";
    public static final String SCHEME = "oci://";

    /** The transport for hubs of type {@value #TYPE}, and for references named directly. */
    public static final HubTransport TRANSPORT = new HubTransport() {
        @Override
        public String type() {
            return TYPE;
        }

        /** A registry answers {@code /v2/} with 200 or 401 and a {@code Docker-Distribution-API-Version} header. */
        @Override
        public boolean probe(String location, TransportContext context) {
            if (!location.startsWith(SCHEME) && !location.startsWith("http://") && !location.startsWith("https://")) return false;
            Location l = Location.parse(location, context);
            return client(l.registry(), l.scheme(), context).isRegistry();
        }

        @Override
        public Hub open(HubDefinition d, TransportContext context) {
            return new OciHub(d.name(), d.location(), context);
        }

        @Override
        public Optional<ReferenceSource> references(TransportContext context) {
            return Optional.of(new References(context));
        }
    };

    /** Where a hub is: {@code oci://REGISTRY[/PREFIX]} (scheme by host) or {@code http(s)://REGISTRY[/PREFIX]} (as given). */
    record Location(String registry, String scheme, String prefix) {
        static Location parse(String location, TransportContext context) {
            String rest;
            String scheme = null;
            if (location.startsWith(SCHEME)) {
                rest = location.substring(SCHEME.length());
            } else {
                scheme = location.substring(0, location.indexOf("://"));
                rest = location.substring(location.indexOf("://") + 3);
            }
            while (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
            int slash = rest.indexOf('/');
            String registry = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (registry.isEmpty()) throw new RegistryException("no registry in hub location " + location);
            return new Location(registry, scheme != null ? scheme : context.registries().scheme(registry), prefix);
        }
    }

    /** A client for {@code registry} with the context's HTTP client, credentials and download cache. */
    public static DistributionClient client(String registry, TransportContext context) {
        return client(registry, context.registries().scheme(registry), context);
    }

    static DistributionClient client(String registry, String scheme, TransportContext context) {
        DockerConfig config = new DockerConfig(context.registries().dockerConfig());
        return new DistributionClient(registry, scheme, context.http(), () -> config.lookup(registry), context.downloader());
    }

    /** A client that authenticates with {@code credentials} only (what {@code ebpm login} checks before storing them). */
    public static DistributionClient client(String registry, TransportContext context, DockerConfig.Credentials credentials) {
        return new DistributionClient(registry, context.registries().scheme(registry), context.http(), () -> Optional.of(credentials), context.downloader());
    }

    /** The download cache as a blob directory: where fetched manifests are kept beside the blobs. */
    public static BlobDirectory cache(TransportContext context) {
        return new BlobDirectory(context.cacheDir().resolve("downloads"));
    }

    private final String name;
    private final String location;
    private final Location where;
    private final DistributionClient client;
    private final ArtifactFetcher fetcher;
    private final boolean offline;
    private final Map<String, Map<Version, String>> tagsByPackage = new HashMap<>();

    public OciHub(String name, String location, TransportContext context) {
        this.name = name;
        this.location = location;
        this.where = Location.parse(location, context);
        this.client = client(where.registry(), where.scheme(), context);
        this.fetcher = new ArtifactFetcher(cache(context));
        this.offline = context.offline();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return location;
    }

    private String repository(PackageName pkg) {
        return where.prefix().isEmpty() ? pkg.value() : where.prefix() + "/" + pkg.value();
    }

    @Override
    public synchronized Optional<HubPackage> find(PackageName pkg) {
        if (offline) throw new OfflineException("offline: registry hub " + name + " (" + location + ") lists its tags only online");
        List<String> tags = client.tags(repository(pkg));
        if (tags.isEmpty()) return Optional.empty();
        Map<Version, String> versions = new HashMap<>();
        for (String t : tags) {
            Version v = ArtifactFormat.tagVersion(t);
            // "1.2.0" and "v1.2.0" for one version: the plain one wins
            if (v != null && (!versions.containsKey(v) || !t.startsWith("v"))) versions.put(v, t);
        }
        if (versions.isEmpty()) {
            throw new RegistryException("hub " + name + ": " + where.registry() + "/" + repository(pkg) + " has no tag that reads as a version (it has "
                    + String.join(", ", tags.subList(0, Math.min(5, tags.size()))) + (tags.size() > 5 ? ", ..." : "")
                    + "); name a tag directly: " + where.registry() + "/" + repository(pkg) + ":TAG");
        }
        tagsByPackage.put(pkg.value(), versions);
        List<HubVersion> vs = versions.keySet().stream()
                .map(v -> new HubVersion(v, null, -1, null, null, PackageManifest.Requires.NONE, false, null)).toList();
        return Optional.of(new HubPackage(pkg, null, List.of("oci"), vs));
    }

    @Override
    public List<HubPackage> search(String term) {
        return List.of(); // a registry's catalog is rarely open to clients; tags are listed per package
    }

    @Override
    public synchronized FetchedPackage fetch(HubPackage pkg, HubVersion version) {
        if (!tagsByPackage.containsKey(pkg.name().value())) find(pkg.name());
        String tag = tagsByPackage.getOrDefault(pkg.name().value(), Map.of()).get(version.version());
        if (tag == null) throw new RegistryException("hub " + name + ": " + pkg.name() + " has no tag for " + version.version());
        String repo = repository(pkg.name());
        String digest = client.resolve(repo, tag).orElseThrow(() -> new RegistryException("hub " + name + ": tag " + tag + " of " + repo + " disappeared"));
        ArtifactReference ref = new ArtifactReference(where.registry(), repo, tag, null);
        FetchedPackage f = fetcher.fetch(new RegistryRepository(client, repo), ref, digest, name);
        if (!f.manifest().name().equals(pkg.name()) || !f.manifest().version().equals(version.version())) {
            throw new RegistryException("hub " + name + ": tag " + tag + " of " + repo + " holds " + f.manifest().id() + ", not " + pkg.name() + "@" + version.version());
        }
        return f;
    }

    /** References typed on the command line: a client per registry, kept for the command (tokens are reused). */
    static final class References implements ReferenceSource {
        private final TransportContext context;
        private final ArtifactFetcher fetcher;
        private final Map<String, DistributionClient> clients = new HashMap<>();

        References(TransportContext context) {
            this.context = context;
            this.fetcher = new ArtifactFetcher(cache(context));
        }

        private synchronized DistributionClient client(String registry) {
            return clients.computeIfAbsent(registry, r -> OciHub.client(r, context));
        }

        @Override
        public String resolve(ArtifactReference ref) {
            if (ref.digest() != null) return ref.digest();
            if (context.offline()) throw new OfflineException("offline: cannot resolve the tag of " + ref + "; name it by digest (@sha256:...)");
            DistributionClient c = client(ref.registry());
            return c.resolve(ref.repository(), ref.tag()).orElseThrow(() -> c.isRegistry()
                    ? new RegistryException("no " + ref + " on " + ref.registry() + " (no such repository or tag)")
                    : new RegistryException(ref.registry() + " is not an OCI registry (its /v2/ does not answer as one)"));
        }

        @Override
        public FetchedPackage fetch(ArtifactReference ref, String digest) {
            return fetcher.fetch(new RegistryRepository(client(ref.registry()), ref.repository()), ref, digest, null);
        }

        @Override
        public boolean isRegistry(String registry) {
            return client(registry).isRegistry();
        }
    }
}
