package dev.ebpm.loader.build;

/**
 * {@code ebpm build} failed. The message is one line; {@link #toolOutput()} carries what the
 * compiler (or bpftool) printed, to show after it.
 */
public class BuildException extends RuntimeException {
    private final String toolOutput;

    public BuildException(String message) {
        this(message, "", null);
    }

    public BuildException(String message, Throwable cause) {
        this(message, "", cause);
    }

    public BuildException(String message, String toolOutput, Throwable cause) {
        super(message, cause);
        this.toolOutput = toolOutput == null ? "" : toolOutput;
    }

    /** The external tool's own output, or "" if none. */
    public String toolOutput() {
        return toolOutput;
    }
}
