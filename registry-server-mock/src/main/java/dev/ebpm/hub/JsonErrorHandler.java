package dev.ebpm.hub;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the hub (a malformed request line, header or chunk, a head too
 * large), in the hub's error format {@code {"error": ..., "code": ...}}. The text is the parser's fixed reason (never
 * the request's own bytes, never an exception class), serialized as JSON.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        String reason = cause instanceof HttpException h && h.getReason() != null ? h.getReason() : HttpStatus.getMessage(status);
        Reply error = Reply.error(status, code(status), reason);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(error.body()), callback);
    }

    /** Every method gets the error body (Jetty's default gives one to GET, POST and HEAD only; a refused PUT needs it). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 408 -> "request_timeout";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            default -> "http_" + status;
        };
    }
}
