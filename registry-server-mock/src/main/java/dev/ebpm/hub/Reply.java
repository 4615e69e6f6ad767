package dev.ebpm.hub;

import dev.ebpm.web.Asset;
import dev.ebpm.web.PageShell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers: a status, headers, and a body that is bytes, a file, or nothing. Endpoints build it without
 * touching the HTTP server; {@link HubHandler} sends it.
 *
 * @param fileSize the size of {@code file} (blobs are immutable, so it was read once when the reply was made)
 */
record Reply(int status, Map<String, String> headers, byte[] body, Path file, long fileSize) {
    static Reply bytes(int status, String contentType, byte[] body) {
        return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", contentType)), body, null, -1);
    }

    static Reply json(int status, Object tree) {
        return bytes(status, "application/json", ReadSnapshot.toJson(tree));
    }

    static Reply text(int status, String text) {
        return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A page, with the headers every page is sent with ({@link PageShell#HEADERS}); pages change with every download. */
    static Reply html(int status, byte[] page) {
        Reply r = bytes(status, PageShell.CONTENT_TYPE, page).header("Cache-Control", "no-cache");
        PageShell.HEADERS.forEach(r::header);
        return r;
    }

    /** A stylesheet or script; its path names its content, so it is cached for good. */
    static Reply asset(Asset a) {
        return bytes(200, a.contentType(), a.bytes()).header("Cache-Control", Asset.CACHE_CONTROL).header("X-Content-Type-Options", "nosniff");
    }

    static Reply file(String contentType, Path file, long size) {
        return new Reply(200, new LinkedHashMap<>(Map.of("Content-Type", contentType)), null, file, size);
    }

    /** A reply without a body (304). */
    static Reply empty(int status) {
        return new Reply(status, new LinkedHashMap<>(), null, null, -1);
    }

    /** The hub's error document, {@code {"error": message, "code": code}}. */
    static Reply error(int status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("code", code);
        return json(status, body);
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
