package dev.ebpm.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub protocol's endpoints (docs/hub-protocol.md), and the routes of the pages beside them ({@link PageEndpoints}).
 * Reads come from the store's {@link ReadSnapshot} and immutable blob files (small ones kept in memory); only publish
 * and yank write, and archive downloads are counted.
 */
final class HubEndpoints {
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final long MEMORY_BLOB_MAX = 256 * 1024;
    private static final long MEMORY_BLOBS_TOTAL = 64L << 20;

    private final HubStore store;
    private final Map<String, byte[]> smallBlobs = new ConcurrentHashMap<>();
    private long smallBlobBytes;

    HubEndpoints(HubStore store) {
        this.store = store;
    }

    /**
     * Every route of the protocol and the pages beside it; a more specific template comes before a more general one of
     * the same length. The static layout's two file names come before the pages, so that a package named
     * {@code packages} keeps its {@code /packages/package.json}.
     */
    Routes routes() {
        PageEndpoints pages = new PageEndpoints(store);
        return new Routes()
                .add("GET HEAD", "/", x -> x.accepts("text/html") ? pages.home(x) : about().header("Vary", "Accept"))
                .add("GET HEAD", "/index.json", x -> document(x, store.snapshot().index()))
                .add("GET HEAD", "/index.json.sig", x -> Reply.bytes(200, "application/json", store.indexSignature().toJson())
                        .header("Cache-Control", "no-cache"))
                .add("GET HEAD", "/hub.pub", x -> Reply.text(200, store.hubKey().toText() + "\n"))
                .add("GET HEAD", "/index/{file}", this::packageDocument)
                .add("GET HEAD", "/blobs/sha256/{digest}", this::blobByDigest)
                .add("GET HEAD", "/api/v1/search", pages::searchJson)
                .add("PUT", "/api/v1/packages/{name}/{version}", this::publish)
                .add("POST", "/api/v1/packages/{name}/{version}/{action}", this::yank)
                .add("GET HEAD", "/{name}/package.json", this::staticFile)
                .add("GET HEAD", "/{name}/app.wasm", this::staticFile)
                .add("GET HEAD", "/search", pages::search)
                .add("GET HEAD", "/packages/{name}", pages::pkg)
                .add("GET HEAD", "/packages/{name}/{version}", pages::pkgVersion)
                .add("GET HEAD", "/publishers/{name}", pages::publisher)
                .add("GET HEAD", "/assets/{file}", pages::asset);
    }

    private Reply about() {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("hub", "ebpm-hub");
        about.put("protocol", ReadSnapshot.PROTOCOL);
        about.put("index", "/index.json");
        about.put("max_upload", store.maxUploadBytes());
        about.put("index_signature", "/index.json.sig");
        about.put("search", "/api/v1/search");
        about.put("key", store.hubKey().fingerprint().hex());
        return Reply.json(200, about);
    }

    private Reply packageDocument(Exchange x) {
        String file = x.param("file");
        String name = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : null;
        ReadSnapshot.Document d = name == null ? null : store.snapshot().packages().get(name);
        if (d == null) throw HubException.notFound("no package " + (name == null ? file : name) + " on this hub");
        return document(x, d);
    }

    private Reply blobByDigest(Exchange x) throws IOException {
        String digest = x.param("digest");
        String etag = "\"" + digest + "\"";
        if (etag.equals(x.header("If-None-Match")) && store.blob(digest).isPresent()) {
            return Reply.empty(304).header("ETag", etag).header("Cache-Control", IMMUTABLE);
        }
        Reply r = blob(digest, "application/gzip").orElseThrow(() -> HubException.notFound("no blob sha256:" + digest))
                .header("ETag", etag).header("Cache-Control", IMMUTABLE);
        if (x.isGet()) store.countArchiveDownload(digest);
        return r;
    }

    /** The static (eunomia/LMP) layout: {@code <name>/package.json} or {@code <name>/app.wasm} of the current version. */
    private Reply staticFile(Exchange x) throws IOException {
        String name = x.param("name");
        String file = x.path().substring(x.path().lastIndexOf('/') + 1);
        ReadSnapshot.StaticFile f = store.snapshot().staticFiles().get(name + "/" + file);
        if (f == null) throw HubException.notFound("no " + file + " for package " + name + " on this hub");
        Reply r = blob(f.sha256(), f.contentType()).orElseThrow(() -> new HubStorageException("blob of " + name + "/" + file + " is missing"))
                .header("ETag", "\"" + f.sha256() + "\"").header("Cache-Control", "no-cache");
        if (x.isGet()) store.countDownload(name, f.version());
        return r;
    }

    private Reply publish(Exchange x) throws IOException {
        PackagePublisher.Published p = store.publish(bearer(x), x.param("name"), x.param("version"), x.body(), x.contentLength(),
                x.header("Ebpm-Signature"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", p.name());
        body.put("version", p.version());
        body.put("sha256", p.sha256());
        body.put("size", p.size());
        body.put("url", "/blobs/sha256/" + p.sha256());
        return Reply.json(201, body);
    }

    private Reply yank(Exchange x) {
        String action = x.param("action");
        if (!action.equals("yank") && !action.equals("unyank")) throw HubException.notFound("no such API endpoint: " + x.path());
        boolean yank = action.equals("yank");
        store.setYanked(bearer(x), x.param("name"), x.param("version"), yank);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", x.param("name"));
        body.put("version", x.param("version"));
        body.put("yanked", yank);
        return Reply.json(200, body);
    }

    private Optional<Reply> blob(String sha, String type) throws IOException {
        byte[] cached = smallBlobs.get(sha);
        if (cached != null) return Optional.of(Reply.bytes(200, type, cached));
        Optional<Path> p = store.blob(sha);
        if (p.isEmpty()) return Optional.empty();
        long size = Files.size(p.get());
        if (size > MEMORY_BLOB_MAX) return Optional.of(Reply.file(type, p.get(), size));
        // blobs never change, so small ones can be kept; bounded in total
        byte[] b = Files.readAllBytes(p.get());
        synchronized (smallBlobs) {
            if (smallBlobBytes + size <= MEMORY_BLOBS_TOTAL && smallBlobs.putIfAbsent(sha, b) == null) smallBlobBytes += size;
        }
        return Optional.of(Reply.bytes(200, type, b));
    }

    /** The index and package documents: clients must revalidate, which costs a 304 when nothing changed. */
    private static Reply document(Exchange x, ReadSnapshot.Document d) {
        String inm = x.header("If-None-Match");
        if (inm != null && (inm.equals(d.etag()) || inm.equals("W/" + d.etag()))) {
            return Reply.empty(304).header("ETag", d.etag()).header("Cache-Control", "no-cache");
        }
        return Reply.bytes(200, "application/json", d.json()).header("ETag", d.etag()).header("Cache-Control", "no-cache");
    }

    private static String bearer(Exchange x) {
        String auth = x.header("Authorization");
        if (auth == null) return null;
        return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }
}
