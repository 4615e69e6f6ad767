package dev.ebpm.hub;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;

/** One request as an endpoint sees it: decoded path, headers, the path's named segments, and the body. */
final class Exchange {
    private final Request request;
    private final String path;
    private final Map<String, String> params;
    private final Supplier<InputStream> body;

    Exchange(Request request, String path, Map<String, String> params, Supplier<InputStream> body) {
        this.request = request;
        this.path = path;
        this.params = params;
        this.body = body;
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

    /** The declared body length, or -1 (chunked, or none). */
    long contentLength() {
        return request.getLength();
    }

    /** The body as a stream with a whole-body deadline ({@link RequestBody}). */
    InputStream body() {
        return body.get();
    }
}
