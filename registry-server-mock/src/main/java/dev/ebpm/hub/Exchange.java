package dev.ebpm.hub;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/** One request as an endpoint sees it: decoded path, headers, the path's named segments, and the body. */
final class Exchange {
    private final Request request;
    private final String path;
    private final Map<String, String> params;
    private final Supplier<InputStream> body;
    private Fields query;

    Exchange(Request request, String path, Map<String, String> params, Supplier<InputStream> body) {
        this.request = request;
        this.path = path;
        this.params = params;
        this.body = body;
    }

    /** True for GET (false for HEAD). */
    boolean isGet() {
        return request.getMethod().equals("GET");
    }

    /** The path, percent-decoded. */
    String path() {
        return path;
    }

    /** The first value of a header, or null. */
    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** A segment the route's template names, e.g. {@code name} for {@code /index/{name}}. */
    String param(String name) {
        String v = params.get(name);
        if (v == null) throw new IllegalArgumentException("the route has no {" + name + "}");
        return v;
    }

    /** A query parameter's first value, percent-decoded as UTF-8, or null. */
    String query(String name) {
        if (query == null) {
            try {
                query = Request.extractQueryParameters(request);
            } catch (RuntimeException e) {
                throw HubException.badRequest("the query string does not decode: " + e.getMessage());
            }
        }
        return query.getValue(name);
    }

    /** True if the client lists {@code mediaType} in its Accept header (browsers do for text/html; the CLI never does). */
    boolean accepts(String mediaType) {
        String accept = header("Accept");
        return accept != null && accept.contains(mediaType);
    }

    /** The hub's address as the client reached it, e.g. {@code http://127.0.0.1:8765/}. */
    String origin() {
        String scheme = request.getHttpURI().getScheme() == null ? "http" : request.getHttpURI().getScheme();
        int port = Request.getServerPort(request);
        boolean defaultPort = port == HttpScheme.getDefaultPort(scheme) || port <= 0;
        String host = Request.getServerName(request);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) host = "[" + host + "]";
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + "/";
    }

    /** The declared body length, or -1 (chunked, or none). */
    long contentLength() {
        return request.getLength();
    }

    /** The body as a stream with a whole-body deadline ({@link RequestBody}). */
    InputStream body() {
        return body.get();
    }
}
