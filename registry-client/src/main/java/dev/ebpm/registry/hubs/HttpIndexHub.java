package dev.ebpm.registry.hubs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.registry.Downloader;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.Hub;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.HubRefusedException;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.HubVersion;
import dev.ebpm.registry.IndexCache;
import dev.ebpm.registry.IndexGuard;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransportContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A hub speaking the ebpm protocol: one {@code index.json} (revalidated with its ETag, kept in an {@link IndexCache}
 * for offline use) and immutable archives at {@code blobs/sha256/<digest>}. Also publishes and yanks.
 */
public final class HttpIndexHub implements Hub {
    private static final MediaType ARCHIVE = MediaType.get("application/gzip");

    private final String name;
    private final String base;
    private final Http http;
    private final IndexCache cache;
    private final Downloader downloader;
    private final IndexGuard guard;
    private Map<String, HubPackage> index;

    /** The transport for hubs of type {@value #TYPE}. */
    public static final HubTransport TRANSPORT = new HubTransport() {
        @Override
        public String type() {
            return TYPE;
        }

        /** An ebpm hub answers 200 for {@code index.json}. */
        @Override
        public boolean probe(String location, TransportContext context) {
            if (!isHttp(location)) return false;
            try (Response r = context.http().get(slash(location) + "index.json", Map.of())) {
                return r.code() == 200;
            }
        }

        @Override
        public Hub open(HubDefinition d, TransportContext context) {
            return new HttpIndexHub(d.name(), d.location(), context);
        }
    };

    public static final String TYPE = "index";

    /** @param context its index guard checks each index (and its signature) before it is used or cached; null takes it as it comes */
    public HttpIndexHub(String name, String baseUrl, TransportContext context) {
        this.name = name;
        this.base = slash(baseUrl);
        this.http = context.http();
        this.cache = context.indexCache();
        this.downloader = context.downloader();
        this.guard = context.indexGuard();
    }

    static boolean isHttp(String location) {
        return location.startsWith("http://") || location.startsWith("https://");
    }

    static String slash(String url) {
        return url.endsWith("/") ? url : url + "/";
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
    public Optional<HubPackage> find(PackageName pkg) {
        return Optional.ofNullable(index().get(pkg.value()));
    }

    /**
     * The hub's own search ({@value #SEARCH_PATH}: best match first) when it has one; else, and offline, the packages
     * of the index that match. Results are for showing: installing always goes through the signed index.
     */
    @Override
    public List<HubPackage> search(String term) {
        if (!http.offline()) {
            Optional<List<HubPackage>> found = searchEndpoint(term);
            if (found.isPresent()) return found.get();
        }
        List<HubPackage> out = new ArrayList<>();
        for (HubPackage p : index().values()) if (p.matches(term)) out.add(p);
        return out;
    }

    /** The search endpoint an ebpm hub serves beside its index (docs/hub-protocol.md). */
    public static final String SEARCH_PATH = "api/v1/search";
    /** As many results as the endpoint gives at once: more than a terminal shows usefully. */
    private static final int SEARCH_LIMIT = 1000;

    /** The hub's search answer, or empty if the hub has no search endpoint (a hub older than it: 404). */
    private Optional<List<HubPackage>> searchEndpoint(String term) {
        String url = base + SEARCH_PATH + "?limit=" + SEARCH_LIMIT + "&q=" + URLEncoder.encode(term, StandardCharsets.UTF_8);
        try (Response r = http.get(url, Map.of("Accept", "application/json"))) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + url + ": HTTP " + r.code());
            byte[] json = Http.readBounded(r, IndexDocument.MAX_BYTES, "hub " + name + " search results");
            return Optional.of(List.copyOf(IndexDocument.parse(json, name, "search results").values()));
        }
    }

    /** Every package on the hub. */
    public Map<String, HubPackage> packages() {
        return index();
    }

    @Override
    public FetchedPackage fetch(HubPackage pkg, HubVersion v) {
        String url = base + "blobs/sha256/" + v.sha256();
        Path file;
        if (http.offline()) {
            file = downloader.cached(v.sha256()).orElseThrow(() -> new OfflineException(
                    "offline: " + pkg.name() + "@" + v.version() + " (sha256:" + v.sha256().substring(0, 12) + ") from hub " + name
                            + " is not in the download cache; run once without --offline to fetch it"));
        } else {
            file = downloader.download(url, v.sha256(), v.size());
        }
        UnpackedPackage up;
        try (InputStream in = Files.newInputStream(file)) {
            up = PackageArchive.unpack(in);
        } catch (InvalidPackageException e) {
            throw new RegistryException(pkg.name() + "@" + v.version() + " from hub " + name + " is not a valid package: " + e.getMessage());
        } catch (IOException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage(), e);
        }
        PackageManifest m = up.manifest();
        if (!m.name().equals(pkg.name()) || !m.version().equals(v.version())) {
            throw new RegistryException("hub " + name + " served " + m.id() + " for " + pkg.name() + "@" + v.version());
        }
        return new FetchedPackage(name, up, v.sha256(), file, v.signature());
    }

    private synchronized Map<String, HubPackage> index() {
        if (index != null) return index;
        String url = base + "index.json";
        String sigUrl = base + SIGNATURE_FILE;
        Optional<IndexCache.Entry> cached = cache.get(name, url);
        if (http.offline()) {
            IndexCache.Entry e = cached.orElseThrow(() -> new OfflineException(
                    "offline: no cached index for hub " + name + " (" + base + "); run once without --offline to fetch it"));
            check(e.json(), cache.get(name, sigUrl).map(IndexCache.Entry::json).orElse(null));
            return index = IndexDocument.parse(e.json(), name);
        }
        for (int attempt = 1; ; attempt++) {
            // a publish between the two requests shows as a digest mismatch: both are fetched again, a few times
            // (a hub publishing in a burst can move on more than once)
            Fetched f = fetchIndex(url, cached);
            byte[] sig = guard == null ? null : fetchSignature(sigUrl);
            try {
                check(f.json(), sig);
            } catch (dev.ebpm.pkg.trust.TrustException e) {
                if (attempt < INDEX_ATTEMPTS && e.reason() == dev.ebpm.pkg.trust.TrustException.Reason.MANIFEST_CHANGED) {
                    cached = Optional.empty(); // an ETag match would hand back the same stale pair
                    pause(50L << (attempt - 1)); // give a hub that is still signing its new index a moment
                    continue;
                }
                throw e;
            }
            Map<String, HubPackage> parsed = IndexDocument.parse(f.json(), name);
            // only what passed the guard is kept for offline use
            if (!f.fromCache()) cache.put(name, url, f.json(), f.etag());
            if (sig != null) {
                cache.put(name, sigUrl, sig, null);
            } else {
                cache.remove(name, sigUrl);
            }
            return index = parsed;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    /** How often the index and its signature are fetched again when a publish came between them. */
    private static final int INDEX_ATTEMPTS = 4;

    /** The index signature served beside {@code index.json}. */
    public static final String SIGNATURE_FILE = "index.json.sig";
    /** The hub's public key, one line (what {@code hub add --trust-on-first-use} pins). */
    public static final String KEY_FILE = "hub.pub";

    private void check(byte[] json, byte[] sig) {
        if (guard != null) guard.check(name, base, json, sig);
    }

    private byte[] fetchSignature(String sigUrl) {
        try (Response r = http.get(sigUrl, Map.of())) {
            if (r.code() == 404) return null;
            if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + sigUrl + ": HTTP " + r.code());
            return Http.readBounded(r, 64 * 1024, "hub " + name + " index signature");
        }
    }

    private record Fetched(byte[] json, String etag, boolean fromCache) {}

    private Fetched fetchIndex(String url, Optional<IndexCache.Entry> cached) {
        Map<String, String> headers = new HashMap<>();
        cached.filter(e -> e.etag() != null).ifPresent(e -> headers.put("If-None-Match", e.etag()));
        try (Response r = http.get(url, headers)) {
            if (r.code() == 304 && cached.isPresent()) return new Fetched(cached.get().json(), cached.get().etag(), true);
            if (r.code() != 200) {
                throw new RegistryException("hub " + name + ": GET " + url + ": HTTP " + r.code() + (r.code() == 404 ? " (not an ebpm hub? add it with --type static)" : ""));
            }
            return new Fetched(Http.readBounded(r, IndexDocument.MAX_BYTES, "hub " + name + " index"), r.header("ETag"), false);
        }
    }

    /** The hub's public key as it serves it ({@value #KEY_FILE}), or empty if it has none. Not trusted by itself. */
    public Optional<String> publicKeyText() {
        try (Response r = http.get(base + KEY_FILE, Map.of())) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + base + KEY_FILE + ": HTTP " + r.code());
            return Optional.of(new String(Http.readBounded(r, 4096, "hub " + name + " key"), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /** The request header carrying a published package's signature (base64 of the envelope's JSON). */
    public static final String SIGNATURE_HEADER = "Ebpm-Signature";

    /** What the hub answered to a publish. */
    public record Published(String name, String version, String sha256, long size) {}

    /**
     * Uploads an archive as the name and version its manifest declares, with its package signature (the envelope's
     * JSON, sent base64 in the {@value #SIGNATURE_HEADER} header; null for none).
     */
    public Published publish(Path archive, String token, byte[] signatureJson) {
        PackageManifest m;
        try (InputStream in = Files.newInputStream(archive)) {
            m = PackageArchive.unpack(in).manifest();
        } catch (IOException e) {
            throw new RegistryException("cannot read " + archive + ": " + e.getMessage(), e);
        }
        try {
            long size = Files.size(archive);
            java.util.OptionalLong limit = maxUpload();
            if (limit.isPresent() && size > limit.getAsLong()) {
                throw new RegistryException(archive.getFileName() + " is " + size + " bytes; hub " + name + " accepts at most " + limit.getAsLong());
            }
        } catch (IOException e) {
            throw new RegistryException("cannot read " + archive + ": " + e.getMessage(), e);
        }
        Request req = authorized(new Request.Builder().url(base + "api/v1/packages/" + m.name() + "/" + m.version())
                .put(RequestBody.create(archive.toFile(), ARCHIVE)), token);
        if (signatureJson != null) {
            req = req.newBuilder().header(SIGNATURE_HEADER, java.util.Base64.getEncoder().encodeToString(signatureJson)).build();
        }
        JsonNode body = expect(req, 201);
        return new Published(body.path("name").asText(), body.path("version").asText(), body.path("sha256").asText(), body.path("size").asLong());
    }

    public void setYanked(PackageName pkg, dev.ebpm.pkg.Version version, boolean yanked, String token) {
        Request req = authorized(new Request.Builder().url(base + "api/v1/packages/" + pkg + "/" + version + "/" + (yanked ? "yank" : "unyank"))
                .post(RequestBody.create(new byte[0], null)), token);
        expect(req, 200);
    }

    /**
     * The largest upload the hub announces on its root document, so a too-large archive is refused before it is sent;
     * empty when the hub announces none (an older hub: the upload itself then tells).
     */
    private java.util.OptionalLong maxUpload() {
        try (Response r = http.get(base, Map.of("Accept", "application/json"))) {
            if (r.code() == 404) return java.util.OptionalLong.empty();
            if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + base + ": HTTP " + r.code());
            JsonNode limit = IndexDocument.JSON.readTree(Http.readBounded(r, 1 << 16, "hub " + name)).path("max_upload");
            return limit.canConvertToLong() && limit.asLong() > 0 ? java.util.OptionalLong.of(limit.asLong()) : java.util.OptionalLong.empty();
        } catch (IOException e) {
            throw new RegistryException("hub " + name + ": its root document is not JSON: " + e.getMessage(), e);
        }
    }

    private static Request authorized(Request.Builder b, String token) {
        if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token.strip());
        return b.build();
    }

    private JsonNode expect(Request req, int status) {
        try (Response r = http.send(req)) {
            byte[] bytes = Http.readBounded(r, 1 << 20, "hub " + name);
            JsonNode body;
            try {
                body = IndexDocument.JSON.readTree(bytes);
            } catch (IOException e) {
                body = null;
            }
            if (r.code() != status) {
                String msg = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + r.code();
                String code = body != null && body.hasNonNull("code") ? body.get("code").asText() : null;
                throw new HubRefusedException(name, r.code(), code, msg);
            }
            if (body == null) throw new RegistryException("hub " + name + ": the answer is not JSON");
            return body;
        }
    }
}
