package dev.ebpm.hub;

import dev.ebpm.hub.HttpConnectionServer.Reply;
import dev.ebpm.hub.HttpConnectionServer.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's HTTP side (protocol in docs/hub-protocol.md) on {@link HttpConnectionServer}: reads are served from
 * {@link HubStore#snapshot()} and immutable blob files (small ones kept in memory); only publish and yank write.
 */
public final class HubServer implements AutoCloseable {
    private static final long MAX_DISCARD = 16L << 20;
    private static final int IDLE_TIMEOUT_MILLIS = 30_000;
    private static final long MEMORY_BLOB_MAX = 256 * 1024;
    private static final long MEMORY_BLOBS_TOTAL = 64L << 20;

    private final HubStore store;
    private final HttpConnectionServer http;
    private final Map<String, byte[]> smallBlobs = new ConcurrentHashMap<>();
    private long smallBlobBytes;

    private HubServer(HubStore store, InetSocketAddress address, int maxConnections) throws IOException {
        this.store = store;
        this.http = new HttpConnectionServer(address, maxConnections, IDLE_TIMEOUT_MILLIS, MAX_DISCARD, this::handle);
    }

    /**
     * Binds and starts; port 0 picks a free port (see {@link #port()}). {@code maxConnections} bounds the worker
     * threads (one per open connection); connections beyond it get a 503.
     */
    public static HubServer start(HubStore store, InetSocketAddress address, int maxConnections) throws IOException {
        return new HubServer(store, address, Math.max(maxConnections, 2));
    }

    public int port() {
        return http.address().getPort();
    }

    public URI uri() {
        return URI.create("http://" + http.address().getHostString() + ":" + port() + "/");
    }

    private Reply handle(Request req) {
        try {
            return route(req);
        } catch (HubException e) {
            return error(e.status(), e.code(), e.getMessage());
        } catch (UncheckedIOException e) {
            return error(500, "internal", "internal error: " + e.getCause().getMessage());
        } catch (IOException e) {
            return error(400, "bad_request", "request body: " + e.getMessage());
        } catch (RuntimeException e) {
            return error(500, "internal", "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private Reply route(Request req) throws IOException {
        String method = req.method();
        String path = req.path();
        String[] seg = path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
        boolean read = method.equals("GET") || method.equals("HEAD");

        if (seg.length == 0) {
            requireRead(read);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("hub", "ebpm-hub");
            about.put("protocol", HubStore.PROTOCOL);
            about.put("index", "/index.json");
            about.put("max_upload", store.maxUploadBytes());
            about.put("index_signature", "/index.json.sig");
            about.put("key", store.hubKey().fingerprint().hex());
            return json(200, about);
        }
        if (seg.length == 1 && seg[0].equals("index.json.sig")) {
            requireRead(read);
            return Reply.bytes(200, "application/json", store.indexSignature().toJson()).header("Cache-Control", "no-cache");
        }
        if (seg.length == 1 && seg[0].equals("hub.pub")) {
            requireRead(read);
            return Reply.bytes(200, "text/plain; charset=utf-8", (store.hubKey().toText() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (seg.length == 1 && seg[0].equals("index.json")) {
            requireRead(read);
            return document(req, store.snapshot().index());
        }
        if (seg.length == 2 && seg[0].equals("index") && seg[1].endsWith(".json")) {
            requireRead(read);
            String name = seg[1].substring(0, seg[1].length() - ".json".length());
            HubStore.Document d = store.snapshot().packages().get(name);
            if (d == null) throw HubException.notFound("no package " + name + " on this hub");
            return document(req, d);
        }
        if (seg.length == 3 && seg[0].equals("blobs") && seg[1].equals("sha256")) {
            requireRead(read);
            String etag = "\"" + seg[2] + "\"";
            Reply r = blob(seg[2], "application/gzip").orElseThrow(() -> HubException.notFound("no blob sha256:" + seg[2]));
            r.header("ETag", etag).header("Cache-Control", "public, max-age=31536000, immutable");
            if (etag.equals(req.header("If-None-Match"))) {
                return Reply.empty(304).header("ETag", etag).header("Cache-Control", "public, max-age=31536000, immutable");
            }
            return r;
        }
        if (seg.length >= 3 && seg[0].equals("api") && seg[1].equals("v1") && seg[2].equals("packages")) {
            return api(req, seg);
        }
        if (seg.length == 2 && (seg[1].equals("package.json") || seg[1].equals("app.wasm"))) {
            requireRead(read);
            HubStore.StaticFile f = store.snapshot().staticFiles().get(seg[0] + "/" + seg[1]);
            if (f == null) throw HubException.notFound("no " + seg[1] + " for package " + seg[0] + " on this hub");
            Reply r = blob(f.sha256(), f.contentType()).orElseThrow(() -> HubException.notFound("blob of " + seg[0] + "/" + seg[1] + " is missing"));
            return r.header("ETag", "\"" + f.sha256() + "\"").header("Cache-Control", "no-cache");
        }
        throw HubException.notFound("no such resource: " + path);
    }

    /** PUT /api/v1/packages/NAME/VERSION, POST /api/v1/packages/NAME/VERSION/yank|unyank. */
    private Reply api(Request req, String[] seg) throws IOException {
        String method = req.method();
        String token = bearer(req);
        if (seg.length == 5 && method.equals("PUT")) {
            HubStore.Published p = store.publish(token, seg[3], seg[4], req.body(), contentLength(req), req.header("Ebpm-Signature"));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", p.name());
            body.put("version", p.version());
            body.put("sha256", p.sha256());
            body.put("size", p.size());
            body.put("url", "/blobs/sha256/" + p.sha256());
            return json(201, body);
        }
        if (seg.length == 6 && method.equals("POST") && (seg[5].equals("yank") || seg[5].equals("unyank"))) {
            boolean yank = seg[5].equals("yank");
            store.setYanked(token, seg[3], seg[4], yank);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", seg[3]);
            body.put("version", seg[4]);
            body.put("yanked", yank);
            return json(200, body);
        }
        if (seg.length == 5 || seg.length == 6) {
            throw new HubException(405, "method_not_allowed", method + " is not allowed here: publish is PUT, yank/unyank is POST");
        }
        throw HubException.notFound("no such API endpoint: " + req.path());
    }

    private java.util.Optional<Reply> blob(String sha, String type) throws IOException {
        byte[] cached = smallBlobs.get(sha);
        if (cached != null) return java.util.Optional.of(Reply.bytes(200, type, cached));
        java.util.Optional<Path> p = store.blob(sha);
        if (p.isEmpty()) return java.util.Optional.empty();
        long size = Files.size(p.get());
        if (size <= MEMORY_BLOB_MAX) {
            // blobs never change, so small ones can be kept; bounded in total
            byte[] b = Files.readAllBytes(p.get());
            synchronized (smallBlobs) {
                if (smallBlobBytes + size <= MEMORY_BLOBS_TOTAL && smallBlobs.putIfAbsent(sha, b) == null) smallBlobBytes += size;
            }
            return java.util.Optional.of(Reply.bytes(200, type, b));
        }
        return java.util.Optional.of(Reply.file(type, p.get(), size));
    }

    private static String bearer(Request req) {
        String auth = req.header("Authorization");
        if (auth == null) return null;
        return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }

    private static long contentLength(Request req) {
        String cl = req.header("Content-Length");
        if (cl == null) return -1;
        try {
            return Long.parseLong(cl.strip());
        } catch (NumberFormatException e) {
            throw HubException.badRequest("invalid Content-Length " + cl);
        }
    }

    private static void requireRead(boolean read) {
        if (!read) throw new HubException(405, "method_not_allowed", "only GET and HEAD are allowed here");
    }

    private static Reply document(Request req, HubStore.Document d) {
        String inm = req.header("If-None-Match");
        // clients must revalidate, which costs a 304 when nothing changed
        if (inm != null && (inm.equals(d.etag()) || inm.equals("W/" + d.etag()))) {
            return Reply.empty(304).header("ETag", d.etag()).header("Cache-Control", "no-cache");
        }
        return Reply.bytes(200, "application/json", d.json()).header("ETag", d.etag()).header("Cache-Control", "no-cache");
    }

    private static Reply json(int status, Object tree) {
        try {
            return Reply.bytes(status, "application/json", HubStore.JSON.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply error(int status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("code", code);
        return json(status, body);
    }

    /** Reads and drops a request body (tests and tools that need to). */
    static long drain(InputStream in) throws IOException {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    @Override
    public void close() {
        http.close();
    }
}
