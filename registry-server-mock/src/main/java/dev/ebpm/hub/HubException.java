package dev.ebpm.hub;

/** A refusal the hub sends as {@code {"error": message, "code": code}} with an HTTP status. */
public final class HubException extends RuntimeException {
    private final int status;
    private final String code;

    public HubException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static HubException notFound(String what) {
        return new HubException(404, "not_found", what);
    }

    static HubException badRequest(String what) {
        return new HubException(400, "bad_request", what);
    }
}
