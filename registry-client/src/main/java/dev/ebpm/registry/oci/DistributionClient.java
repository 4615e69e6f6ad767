package dev.ebpm.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.Downloader;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The distribution spec (v1.1) against one registry, over ebpm's {@link Http}: manifests (GET, HEAD, PUT), blobs
 * (downloaded through the {@link Downloader} into the content-addressed cache, uploaded monolithically or in chunks,
 * mounted across repositories), tags (paginated), referrers (the API, else the {@code sha256-HEX} tag schema). Every
 * request authenticates through {@link RegistryAuth}: a 401 is answered once, then it is an error naming what to do.
 */
public final class DistributionClient {
    /** Blobs above this go up in chunks (PATCH), each this big. */
    static final long CHUNK = 8L << 20;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    /** Tags asked for per page; a registry may send fewer and link to the next page. */
    int tagPage = 1000;
    private final String registry;
    private final String base;
    private final Http http;
    private final RegistryAuth auth;
    private final Downloader downloader;

    /** A manifest or index as served: its exact bytes, the media type it came with, its digest (checked). */
    public record Fetched(byte[] bytes, String mediaType, String digest) {
        public OciDocument document(String where) {
            return OciDocument.parse(bytes, mediaType, where);
        }
    }

    DistributionClient(String registry, String scheme, Http http, Supplier<Optional<DockerConfig.Credentials>> credentials, Downloader downloader) {
        this.registry = registry;
        this.base = scheme + "://" + registry + "/v2/";
        this.http = http;
        this.auth = new RegistryAuth(registry, http, credentials);
        this.downloader = downloader;
    }

    public String registry() {
        return registry;
    }

    /** True if {@code /v2/} answers as a registry does: 200 or 401, with {@code Docker-Distribution-API-Version}. */
    public boolean isRegistry() {
        try (Response r = http.get(base, Map.of())) {
            return (r.code() == 200 || r.code() == 401) && r.header("Docker-Distribution-API-Version") != null;
        }
    }

    /** Checks that the stored credentials are accepted (what {@code ebpm login} does before it stores them). */
    public void checkLogin() {
        try (Response r = call("GET", base, null, "", Map.of())) {
            if (r.code() == 401) throw new RegistryException(auth.refusal());
            if (r.code() != 200) throw error(r, "GET " + base);
        }
    }

    /** The manifest or index {@code reference} (a tag or digest) names, or empty if the registry has none. */
    public Optional<Fetched> manifest(String repository, String reference) {
        String url = base + repository + "/manifests/" + reference;
        try (Response r = call("GET", url, null, pull(repository), Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS))) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw error(r, "GET " + url);
            byte[] bytes = Http.readBounded(r, OciDocument.MAX_BYTES, "manifest " + name(repository, reference));
            String digest = "sha256:" + Digests.sha256Hex(bytes);
            if (reference.startsWith("sha256:") && !reference.equals(digest)) {
                throw new RegistryException(name(repository, reference) + ": the registry served a manifest whose digest is " + digest);
            }
            String served = r.header("Docker-Content-Digest");
            if (served != null && served.startsWith("sha256:") && !served.equals(digest)) {
                throw new RegistryException(name(repository, reference) + ": Docker-Content-Digest says " + served + ", the bytes are " + digest);
            }
            String type = r.header("Content-Type");
            return Optional.of(new Fetched(bytes, type == null ? null : type.split(";")[0].strip(), digest));
        }
    }

    /** The digest a tag names now (HEAD, no body), or empty if there is no such tag. */
    public Optional<String> resolve(String repository, String tag) {
        String url = base + repository + "/manifests/" + tag;
        try (Response r = call("HEAD", url, null, pull(repository), Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS))) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw error(r, "HEAD " + url);
            String d = r.header("Docker-Content-Digest");
            if (d != null && d.startsWith("sha256:")) return Optional.of(Descriptor.checkDigest(d));
        }
        // a registry that does not say the digest on HEAD: the body tells
        return manifest(repository, tag).map(Fetched::digest);
    }

    /** The blob, verified, from the download cache (downloaded first if not there); the file is immutable. */
    public Path blob(String repository, Descriptor d) {
        Optional<Path> cached = downloader.cached(d.hex());
        if (cached.isPresent()) return cached.get();
        if (http.offline()) throw new OfflineException("offline: blob " + d.digest() + " of " + registry + "/" + repository + " is not in the cache");
        String url = base + repository + "/blobs/" + d.digest();
        String scope = pull(repository);
        if (auth.headers(scope).isEmpty()) {
            // learn what the registry wants before streaming: the download itself is not retried on a 401
            try (Response r = call("HEAD", url, null, scope, Map.of())) {
                if (r.code() == 404) throw new RegistryException(registry + "/" + repository + " has no blob " + d.digest());
            }
        }
        return downloader.download(url, auth.headers(scope), d.hex(), d.size());
    }

    /** Every tag of the repository, following the registry's pagination ({@code Link: <...>; rel="next"}). */
    public List<String> tags(String repository) {
        List<String> out = new ArrayList<>();
        String url = base + repository + "/tags/list?n=" + tagPage;
        for (int page = 0; url != null; page++) {
            if (page > 10_000) throw new RegistryException(registry + "/" + repository + ": the tag list does not end");
            try (Response r = call("GET", url, null, pull(repository), Map.of())) {
                if (r.code() == 404) return out;
                if (r.code() != 200) throw error(r, "GET " + url);
                JsonNode n = json(Http.readBounded(r, 64L << 20, "tags of " + registry + "/" + repository), "tags of " + repository);
                for (JsonNode t : n.path("tags")) out.add(t.asText());
                url = next(url, r.header("Link"));
            }
        }
        return out;
    }

    /**
     * The manifests whose subject is {@code subject}: from the referrers API, or, where the registry has none (a 404),
     * from the referrers tag schema's index ({@code sha256-HEX}). Filtered by {@code artifactType} when given.
     */
    public List<Descriptor> referrers(String repository, String subject, String artifactType) {
        String url = base + repository + "/referrers/" + subject + (artifactType == null ? "" : "?artifactType=" + artifactType);
        List<Descriptor> found;
        try (Response r = call("GET", url, null, pull(repository), Map.of("Accept", MediaTypes.OCI_INDEX))) {
            if (r.code() == 200) {
                found = ((OciDocument.Index) OciDocument.parse(Http.readBounded(r, OciDocument.MAX_BYTES, "referrers of " + subject),
                        MediaTypes.OCI_INDEX, "referrers of " + subject)).manifests();
            } else if (r.code() == 404) {
                found = manifest(repository, fallbackTag(subject))
                        .map(f -> f.document("referrers tag of " + subject))
                        .map(doc -> doc instanceof OciDocument.Index i ? i.manifests() : List.<Descriptor>of())
                        .orElse(List.of());
            } else {
                throw error(r, "GET " + url);
            }
        }
        // an entry without artifactType (an index rewritten by a tool older than OCI 1.1, skopeo 1.9's) is kept: the
        // referrer's own manifest says what it is, and the caller reads it
        return found.stream().filter(d -> artifactType == null || d.artifactType() == null || artifactType.equals(d.artifactType())).toList();
    }

    /** The referrers tag schema's tag for a subject: {@code sha256-HEX}. */
    public static String fallbackTag(String subject) {
        return subject.replace(':', '-');
    }

    /** True if the repository has the blob already. */
    public boolean hasBlob(String repository, String digest) {
        String url = base + repository + "/blobs/" + digest;
        try (Response r = call("HEAD", url, null, push(repository), Map.of())) {
            return r.code() == 200;
        }
    }

    /**
     * Uploads a blob unless the repository has it: mounted from {@code mountFrom} (another repository of this registry
     * that has it) when given and the registry agrees, else sent whole (one PUT) or, above {@link #CHUNK}, in chunks.
     */
    public void pushBlob(String repository, Descriptor d, Path content, String mountFrom) {
        if (hasBlob(repository, d.digest())) return;
        String start = base + repository + "/blobs/uploads/";
        String scope = push(repository);
        if (mountFrom != null && !mountFrom.equals(repository)) {
            start += "?mount=" + d.digest() + "&from=" + mountFrom;
            scope += " " + pull(mountFrom);
        }
        String location;
        try (Response r = call("POST", start, RequestBody.create(new byte[0], null), scope, Map.of())) {
            if (r.code() == 201) return; // mounted
            if (r.code() != 202) throw error(r, "POST " + start);
            location = location(r, start);
        }
        if (d.size() <= CHUNK) {
            try (Response r = call("PUT", withDigest(location, d.digest()), RequestBody.create(content.toFile(), OCTETS), push(repository), Map.of())) {
                if (r.code() != 201) throw error(r, "PUT blob " + d.digest());
            }
            return;
        }
        long offset = 0;
        while (offset < d.size()) {
            long len = Math.min(CHUNK, d.size() - offset);
            RequestBody chunk = rangeBody(content, offset, len);
            try (Response r = call("PATCH", location, chunk, push(repository),
                    Map.of("Content-Range", offset + "-" + (offset + len - 1), "Content-Length", Long.toString(len)))) {
                if (r.code() != 202) throw error(r, "PATCH blob " + d.digest() + " at " + offset);
                location = location(r, location);
            }
            offset += len;
        }
        try (Response r = call("PUT", withDigest(location, d.digest()), RequestBody.create(new byte[0], OCTETS), push(repository), Map.of())) {
            if (r.code() != 201) throw error(r, "PUT blob " + d.digest());
        }
    }

    /** Puts a manifest or index under {@code reference}; true if the registry says it indexed the subject (OCI-Subject). */
    public boolean pushManifest(String repository, String reference, String mediaType, byte[] bytes) {
        String url = base + repository + "/manifests/" + reference;
        try (Response r = call("PUT", url, RequestBody.create(bytes, MediaType.get(mediaType)), push(repository), Map.of())) {
            if (r.code() != 201) throw error(r, "PUT manifest " + name(repository, reference));
            return r.header("OCI-Subject") != null;
        }
    }

    private static RequestBody rangeBody(Path file, long offset, long len) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTETS;
            }

            @Override
            public long contentLength() {
                return len;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                    f.seek(offset);
                    byte[] buf = new byte[64 * 1024];
                    long left = len;
                    while (left > 0) {
                        int n = f.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) throw new IOException(file + " is shorter than expected");
                        sink.write(buf, 0, n);
                        left -= n;
                    }
                }
            }
        };
    }

    /**
     * One request, authenticated: sent with what the scope is known to need; on a 401 the challenge is answered and the
     * request sent once more; a second 401 is an error saying what to do. GET and HEAD go through the retrying path.
     */
    private Response call(String method, String url, RequestBody body, String scope, Map<String, String> headers) {
        for (int attempt = 0; ; attempt++) {
            Map<String, String> h = new HashMap<>(headers);
            h.putAll(auth.headers(scope));
            Response r = switch (method) {
                case "GET" -> http.get(url, h);
                case "HEAD" -> http.head(url, h);
                default -> {
                    Request.Builder b = new Request.Builder().url(url).method(method, body);
                    h.forEach(b::header);
                    yield http.send(b.build());
                }
            };
            if (r.code() != 401) return r;
            boolean again = attempt == 0 && auth.challenged(r, scope);
            r.close();
            if (!again) throw new RegistryException(method + " " + url + ": HTTP 401: " + auth.refusal());
        }
    }

    private String location(Response r, String requested) {
        String loc = r.header("Location");
        if (loc == null) throw new RegistryException(registry + ": upload answer without a Location");
        HttpUrl resolved = HttpUrl.get(requested).resolve(loc);
        if (resolved == null) throw new RegistryException(registry + ": invalid upload Location " + loc);
        return resolved.toString();
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    private String next(String current, String link) {
        if (link == null) return null;
        Matcher m = NEXT_LINK.matcher(link);
        if (!m.find()) return null;
        HttpUrl u = HttpUrl.get(current).resolve(m.group(1));
        return u == null ? null : u.toString();
    }

    /** The registry's own error ({@code {"errors":[{"code","message"}]}}) when it gives one. */
    private RegistryException error(Response r, String what) {
        String detail = "";
        try {
            JsonNode n = OciDocument.JSON.readTree(Http.readBounded(r, 1 << 16, what));
            JsonNode e = n == null ? null : n.path("errors").path(0);
            if (e != null && e.has("code")) detail = ": " + e.path("code").asText() + " " + e.path("message").asText();
        } catch (IOException | RegistryException ignored) {
            // no JSON error body: the status says it all
        }
        return new RegistryException(what + ": HTTP " + r.code() + detail);
    }

    private static JsonNode json(byte[] b, String what) {
        try {
            return OciDocument.JSON.readTree(b);
        } catch (IOException e) {
            throw new RegistryException(what + ": not JSON");
        }
    }

    private String name(String repository, String reference) {
        return registry + "/" + repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    }

    static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

}
