package dev.ebpm.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's side of the hub: finds the route, runs its endpoint, and sends the {@link Reply}. A refusal
 * ({@link HubException}) becomes its status and JSON body; a body the client could not deliver, 400 or 408 and the
 * connection closed; anything else, 500 (and a log line: it is a bug or a failing disk).
 */
final class HubHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(HubHandler.class);
    /** How much of a refused request's body is read and dropped before answering (see {@link #dropUnread}). */
    static final long DROP_BYTES = 1 << 20;

    private final Routes routes;
    private final RequestHeadDeadline heads;
    private final ServerLimits limits;

    HubHandler(Routes routes, RequestHeadDeadline heads, ServerLimits limits) {
        this.routes = routes;
        this.heads = heads;
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Connection connection = request.getConnectionMetaData().getConnection();
        heads.requestStarted(connection);
        Callback done = Callback.from(() -> heads.requestEnded(connection), callback);
        Reply reply;
        boolean close = false;
        RequestBody[] body = new RequestBody[1];
        try {
            reply = answer(request, body);
        } catch (HubException e) {
            reply = Reply.error(e.status(), e.code(), e.getMessage());
            close = !dropUnread(request, body);
        } catch (RequestBodyException e) {
            reply = e.timedOut() ? Reply.error(408, "request_timeout", e.getMessage()) : Reply.error(400, "bad_request", e.getMessage());
            close = true;
        } catch (HubStorageException | IOException e) {
            LOG.warn("{} {}: {}", request.getMethod(), request.getHttpURI().getPath(), e.getMessage(), e);
            reply = Reply.error(500, "internal", "internal error: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            reply = Reply.error(500, "internal", "internal error (a bug in the hub; its log has the details)");
        }
        if (body[0] != null) body[0].close();
        send(request, response, reply, close, done);
        return true;
    }

    /**
     * Reads and drops what a refused request still sends, up to {@value #DROP_BYTES} bytes within the body deadline,
     * so that a client still sending (an upload over the limit, a publish without a token) reads the refusal rather
     * than a reset connection, as nginx's lingering close does. False when more remains or it failed: close then. A
     * client that asked {@code Expect: 100-continue} has sent nothing yet: reading would invite the body, so it is not.
     */
    private boolean dropUnread(Request request, RequestBody[] body) {
        if (request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) return true;
        if (request.getLength() > DROP_BYTES) return false;
        if (body[0] == null) body[0] = new RequestBody(request, getServer().getScheduler(), limits.bodyGrace(), limits.minBodyRate());
        byte[] buf = new byte[64 * 1024];
        long dropped = 0;
        try {
            for (int n; (n = body[0].read(buf)) >= 0; ) {
                dropped += n;
                if (dropped > DROP_BYTES) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Reply answer(Request request, RequestBody[] body) throws IOException {
        // Jetty refuses a Transfer-Encoding without "chunked" last; one with another coding before it is accepted
        // there but would hand the hub bytes it cannot decode. The value is not repeated back.
        String te = request.getHeaders().get(HttpHeader.TRANSFER_ENCODING);
        if (te != null && !HttpHeaderValue.CHUNKED.is(te.strip())) {
            throw new RequestBodyException(false, "unsupported Transfer-Encoding: the hub accepts only chunked");
        }
        String path = Request.getPathInContext(request);
        Routes.Match m = routes.find(request.getMethod(), path);
        return m.endpoint().handle(new Exchange(request, path, m.params(), () -> {
            if (body[0] == null) body[0] = new RequestBody(request, getServer().getScheduler(), limits.bodyGrace(), limits.minBodyRate());
            return body[0];
        }));
    }

    private static void send(Request request, Response response, Reply reply, boolean close, Callback callback) {
        response.setStatus(reply.status());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) response.getHeaders().put(h.getKey(), h.getValue());
        if (close) response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        if (reply.status() == HttpStatus.NOT_MODIFIED_304) {
            callback.succeeded();
            return;
        }
        long length = reply.body() != null ? reply.body().length : reply.file() != null ? reply.fileSize() : 0;
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
            response.write(true, null, callback);
            return;
        }
        if (reply.body() != null) {
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return;
        }
        ByteBuffer mapped;
        try (FileChannel f = FileChannel.open(reply.file(), StandardOpenOption.READ)) {
            // a mapped file goes to the socket from the page cache, with no copy through the Java heap
            mapped = f.map(FileChannel.MapMode.READ_ONLY, 0, reply.fileSize());
        } catch (IOException e) {
            LOG.warn("{}: {}", reply.file(), e.getMessage(), e);
            callback.failed(e);
            return;
        }
        response.write(true, mapped, callback);
    }
}
