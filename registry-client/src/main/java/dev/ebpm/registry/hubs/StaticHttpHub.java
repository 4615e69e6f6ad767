package dev.ebpm.registry.hubs;

import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Response;

/**
 * A plain web server in eunomia's layout: {@code <base>/<name>/app.wasm} or {@code <base>/<name>/package.json}, looked
 * up WASM first as ecli did. No index and no versions: a package is whatever file is there now, given a synthesized
 * manifest ({@link StaticManifests}). Cannot be listed, so search finds nothing here.
 */
public final class StaticHttpHub implements Hub {
    private final String name;
    private final String base;
    public static final String TYPE = "static";

    /**
     * The transport for hubs of type {@value #TYPE}: any http(s) location that answers, probed last (a static layout has
     * nothing to recognise it by but the absence of everything else).
     */
    public static final HubTransport TRANSPORT = new HubTransport() {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public boolean probe(String location, TransportContext context) {
            if (!HttpIndexHub.isHttp(location)) return false;
            try (Response r = context.http().get(HttpIndexHub.slash(location) + "index.json", Map.of())) {
                if (r.code() == 404 || r.code() == 403) return true;
                throw new RegistryException(HttpIndexHub.slash(location) + "index.json answered HTTP " + r.code());
            }
        }

        @Override
        public Hub open(HubDefinition d, TransportContext context) {
            return new StaticHttpHub(d.name(), d.location(), context.http());
        }
    };

    private final Http http;
    private final Map<String, UnpackedPackage> fetched = new HashMap<>();

    public StaticHttpHub(String name, String baseUrl, Http http) {
        this.name = name;
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.http = http;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return base;
    }

    @Override
    public boolean unversioned() {
        return true;
    }

    @Override
    public synchronized Optional<HubPackage> find(PackageName pkg) {
        UnpackedPackage up = fetched.get(pkg.value());
        if (up == null) {
            if (http.offline()) {
                throw new OfflineException("offline: static hub " + name + " (" + base + ") has no index to cache; it cannot be used offline");
            }
            for (String file : List.of(StaticManifests.APP_WASM, StaticManifests.PACKAGE_JSON)) {
                String url = base + pkg + "/" + file;
                try (Response r = http.get(url, Map.of())) {
                    if (r.code() == 404 || r.code() == 403) continue;
                    if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + url + ": HTTP " + r.code());
                    byte[] content = Http.readBounded(r, 64L << 20, "hub " + name + ": " + url);
                    up = StaticManifests.wrap(pkg, file, content, null);
                    break;
                }
            }
            if (up == null) return Optional.empty();
            fetched.put(pkg.value(), up);
        }
        return Optional.of(StaticManifests.packageOf(up));
    }

    @Override
    public List<HubPackage> search(String term) {
        return List.of();
    }

    @Override
    public synchronized FetchedPackage fetch(HubPackage pkg, HubVersion v) {
        UnpackedPackage up = fetched.get(pkg.name().value());
        if (up == null) {
            find(pkg.name());
            up = fetched.get(pkg.name().value());
        }
        PackageManifest m = up.manifest();
        if (!m.version().equals(v.version())) {
            throw new RegistryException("hub " + name + ": " + pkg.name() + " changed while installing (now " + m.version() + ")");
        }
        return new FetchedPackage(name, up, v.sha256(), null, null);
    }
}
