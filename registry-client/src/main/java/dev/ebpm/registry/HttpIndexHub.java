package dev.ebpm.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import java.io.IOException;
import java.io.InputStream;
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
    private final HubHttp http;
    private final IndexCache cache;
    private final Downloader downloader;
    private final IndexGuard guard;
    private Map<String, HubPackage> index;

    public HttpIndexHub(String name, String baseUrl, HubHttp http, IndexCache cache, Downloader downloader) {
        this(name, baseUrl, http, cache, downloader, null);
    }

    /** @param guard checks each index (and its signature) before it is used or cached; null takes it as it comes */
    public HttpIndexHub(String name, String baseUrl, HubHttp http, IndexCache cache, Downloader downloader, IndexGuard guard) {
        this.name = name;
        this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.http = http;
        this.cache = cache;
        this.downloader = downloader;
        this.guard = guard;
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

    @Override
    public List<HubPackage> search(String term) {
        List<HubPackage> out = new ArrayList<>();
        for (HubPackage p : index().values()) if (p.matches(term)) out.add(p);
        return out;
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
            // a publish between the two requests shows as a digest mismatch: both are fetched again, once
            Fetched f = fetchIndex(url, cached);
            byte[] sig = guard == null ? null : fetchSignature(sigUrl);
            try {
                check(f.json(), sig);
            } catch (dev.ebpm.pkg.trust.TrustException e) {
                if (attempt < 2 && e.reason() == dev.ebpm.pkg.trust.TrustException.Reason.MANIFEST_CHANGED) continue;
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
            return HubHttp.readBounded(r, 64 * 1024, "hub " + name + " index signature");
        }
    }

    private record Fetched(byte[] json, String etag, boolean fromCache) {}

    private Fetched fetchIndex(String url, Optional<IndexCache.Entry> cached) {
        Map<String, String> headers = new HashMap<>();
        cached.filter(e -> e.etag() != null).ifPresent(e -> headers.put("If-None-Match", e.etag()));
        try (Response r = http.get(url, headers)) {
            if (r.code() == 304 && cached.isPresent()) return new Fetched(cached.get().json(), cached.get().etag(), true);
            if (r.code() != 200) {
                throw new RegistryException("hub " + name + ": GET " + url + ": HTTP " + r.code() + (r.code() == 404 ? " (not an ebpm hub? add it with --static)" : ""));
            }
            return new Fetched(HubHttp.readBounded(r, IndexDocument.MAX_BYTES, "hub " + name + " index"), r.header("ETag"), false);
        }
    }

    /** The hub's public key as it serves it ({@value #KEY_FILE}), or empty if it has none. Not trusted by itself. */
    public Optional<String> publicKeyText() {
        try (Response r = http.get(base + KEY_FILE, Map.of())) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw new RegistryException("hub " + name + ": GET " + base + KEY_FILE + ": HTTP " + r.code());
            return Optional.of(new String(HubHttp.readBounded(r, 4096, "hub " + name + " key"), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /** The request header carrying a published package's signature (base64 of the envelope's JSON). */
    public static final String SIGNATURE_HEADER = "Ebpm-Signature";

    /** What the hub answered to a publish. */
    public record Published(String name, String version, String sha256, long size) {}

    /** Uploads an archive as the name and version its manifest declares. */
    public Published publish(Path archive, String token) {
        return publish(archive, token, null);
    }

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
        long limit = maxUpload();
        try {
            long size = Files.size(archive);
            if (limit > 0 && size > limit) {
                throw new RegistryException(archive.getFileName() + " is " + size + " bytes; hub " + name + " accepts at most " + limit);
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

    private long maxUpload() {
        try (Response r = http.get(base, Map.of("Accept", "application/json"))) {
            if (r.code() != 200) return -1;
            return IndexDocument.JSON.readTree(HubHttp.readBounded(r, 1 << 16, "hub " + name)).path("max_upload").asLong(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Request authorized(Request.Builder b, String token) {
        if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token.strip());
        return b.build();
    }

    private JsonNode expect(Request req, int status) {
        try (Response r = http.send(req)) {
            byte[] bytes = HubHttp.readBounded(r, 1 << 20, "hub " + name);
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
