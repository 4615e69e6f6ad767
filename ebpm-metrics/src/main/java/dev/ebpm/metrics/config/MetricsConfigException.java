package dev.ebpm.metrics.config;

/** A metrics config (or a program object posted to the exporter) that cannot be used; the message is one line, naming the place. */
public final class MetricsConfigException extends RuntimeException {
    public MetricsConfigException(String message) {
        super(message);
    }
}
