package dev.ebpm.registry;

/** The hub answered a write with an error: HTTP status, the protocol's error code and its message. */
public final class HubRefusedException extends RegistryException {
    private final int status;
    private final String code;

    public HubRefusedException(String hub, int status, String code, String message) {
        super("hub " + hub + " refused (HTTP " + status + (code == null ? "" : ", " + code) + "): " + message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
