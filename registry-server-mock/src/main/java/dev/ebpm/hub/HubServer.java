package dev.ebpm.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's HTTP side (protocol in docs/hub-protocol.md) on the JDK's HttpServer with a fixed pool of worker threads.
 * Reads are served from {@link HubStore#snapshot()} and immutable blob files; only publish and yank write.
 */
public final class HubServer implements AutoCloseable {
    private static final long MAX_DISCARD = 16L << 20;

    static {
        // headers and body go out as separate writes; with Nagle on, each response waits for a delayed ACK (~40 ms).
        // Read once by the JDK when its HttpServer config loads, so it must be set before the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HubStore store;
    private final HttpServer http;
    private final ExecutorService pool;

    private HubServer(HubStore store, HttpServer http, ExecutorService pool) {
        this.store = store;
        this.http = http;
        this.pool = pool;
    }

    /** Binds and starts; port 0 picks a free port (see {@link #port()}). */
    public static HubServer start(HubStore store, InetSocketAddress address, int threads) throws IOException {
        HttpServer http = HttpServer.create(address, 1024);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "hub-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HubServer server = new HubServer(store, http, pool);
        http.createContext("/", server::handle);
        http.setExecutor(pool);
        http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public URI uri() {
        return URI.create("http://" + http.getAddress().getHostString() + ":" + port() + "/");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (HubException e) {
                error(ex, e.status(), e.code(), e.getMessage());
            } catch (IOException e) {
                // the client went away mid-request; nothing to answer
            } catch (RuntimeException e) {
                error(ex, 500, "internal", "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String[] seg = path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
        boolean read = method.equals("GET") || method.equals("HEAD");

        if (seg.length == 0) {
            requireRead(read);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("hub", "ebpm-hub");
            about.put("protocol", HubStore.PROTOCOL);
            about.put("index", "/index.json");
            about.put("max_upload", store.maxUploadBytes());
            sendJson(ex, 200, HubStore.JSON.writeValueAsBytes(about), null);
        } else if (seg.length == 1 && seg[0].equals("index.json")) {
            requireRead(read);
            sendDocument(ex, store.snapshot().index());
        } else if (seg.length == 2 && seg[0].equals("index") && seg[1].endsWith(".json")) {
            requireRead(read);
            String name = seg[1].substring(0, seg[1].length() - ".json".length());
            HubStore.Document d = store.snapshot().packages().get(name);
            if (d == null) throw HubException.notFound("no package " + name + " on this hub");
            sendDocument(ex, d);
        } else if (seg.length == 3 && seg[0].equals("blobs") && seg[1].equals("sha256")) {
            requireRead(read);
            Path p = store.blob(seg[2]).orElseThrow(() -> HubException.notFound("no blob sha256:" + seg[2]));
            Headers h = ex.getResponseHeaders();
            h.set("ETag", "\"" + seg[2] + "\"");
            h.set("Cache-Control", "public, max-age=31536000, immutable");
            if (("\"" + seg[2] + "\"").equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.sendResponseHeaders(304, -1);
                return;
            }
            sendFile(ex, p, "application/gzip");
        } else if (seg.length >= 3 && seg[0].equals("api") && seg[1].equals("v1") && seg[2].equals("packages")) {
            api(ex, method, seg);
        } else if (seg.length == 2 && (seg[1].equals("package.json") || seg[1].equals("app.wasm"))) {
            requireRead(read);
            HubStore.StaticFile f = store.snapshot().staticFiles().get(seg[0] + "/" + seg[1]);
            if (f == null) throw HubException.notFound("no " + seg[1] + " for package " + seg[0] + " on this hub");
            Path p = store.blob(f.sha256()).orElseThrow(() -> HubException.notFound("blob of " + seg[0] + "/" + seg[1] + " is missing"));
            ex.getResponseHeaders().set("ETag", "\"" + f.sha256() + "\"");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            sendFile(ex, p, f.contentType());
        } else {
            throw HubException.notFound("no such resource: " + path);
        }
    }

    /** PUT /api/v1/packages/NAME/VERSION, POST /api/v1/packages/NAME/VERSION/yank|unyank. */
    private void api(HttpExchange ex, String method, String[] seg) throws IOException {
        String token = bearer(ex);
        if (seg.length == 5 && method.equals("PUT")) {
            long length = contentLength(ex);
            HubStore.Published p = store.publish(token, seg[3], seg[4], ex.getRequestBody(), length);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", p.name());
            body.put("version", p.version());
            body.put("sha256", p.sha256());
            body.put("size", p.size());
            body.put("url", "/blobs/sha256/" + p.sha256());
            sendJson(ex, 201, HubStore.JSON.writeValueAsBytes(body), null);
        } else if (seg.length == 6 && method.equals("POST") && (seg[5].equals("yank") || seg[5].equals("unyank"))) {
            drain(ex.getRequestBody());
            boolean yank = seg[5].equals("yank");
            store.setYanked(token, seg[3], seg[4], yank);
            sendJson(ex, 200, HubStore.JSON.writeValueAsBytes(Map.of("name", seg[3], "version", seg[4], "yanked", yank)), null);
        } else if (seg.length == 5 || seg.length == 6) {
            throw new HubException(405, "method_not_allowed", method + " is not allowed here: publish is PUT, yank/unyank is POST");
        } else {
            throw HubException.notFound("no such API endpoint: " + ex.getRequestURI().getRawPath());
        }
    }

    private static String bearer(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) return null;
        return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }

    private static long contentLength(HttpExchange ex) {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
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

    private static void sendDocument(HttpExchange ex, HubStore.Document d) throws IOException {
        ex.getResponseHeaders().set("ETag", d.etag());
        // clients must revalidate, which costs a 304 when nothing changed
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        String inm = ex.getRequestHeaders().getFirst("If-None-Match");
        if (inm != null && (inm.equals(d.etag()) || inm.equals("W/" + d.etag()))) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        sendJson(ex, 200, d.json(), null);
    }

    private static void sendJson(HttpExchange ex, int status, byte[] json, String etag) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (etag != null) ex.getResponseHeaders().set("ETag", etag);
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(json.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private static void sendFile(HttpExchange ex, Path p, String type) throws IOException {
        long size = Files.size(p);
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(size));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, size);
        try (OutputStream out = ex.getResponseBody()) {
            Files.copy(p, out);
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) {
        try {
            discardUnreadBody(ex);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", message);
            body.put("code", code);
            sendJson(ex, status, HubStore.JSON.writeValueAsBytes(body), null);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /**
     * A refusal may come before the upload was read. Unread bytes at close make TCP reset the connection, which can
     * destroy the answer before the client reads it, so a modest remainder is read and dropped first; a larger one
     * is left to the reset (clients check the hub's max_upload before sending that much).
     */
    private static void discardUnreadBody(HttpExchange ex) {
        String m = ex.getRequestMethod();
        if (!m.equals("PUT") && !m.equals("POST")) return;
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            if (cl != null && Long.parseLong(cl.strip()) > MAX_DISCARD) {
                ex.getResponseHeaders().set("Connection", "close");
                return;
            }
            InputStream in = ex.getRequestBody();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while (total <= MAX_DISCARD && (n = in.read(buf)) > 0) total += n;
        } catch (IOException | NumberFormatException ignored) {
            // the answer is still worth sending
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > 1 << 16) throw HubException.badRequest("request body too large");
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }
}
