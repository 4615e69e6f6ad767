package dev.ebpm.registry;

import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
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
    private final HubHttp http;
    private final Map<String, UnpackedPackage> fetched = new HashMap<>();

    public StaticHttpHub(String name, String baseUrl, HubHttp http) {
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
                    byte[] content = HubHttp.readBounded(r, 64L << 20, "hub " + name + ": " + url);
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
        return new FetchedPackage(name, up, v.sha256(), null);
    }
}
