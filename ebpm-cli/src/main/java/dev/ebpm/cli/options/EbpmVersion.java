package dev.ebpm.cli.options;

/** ebpm's version, for --version and for what ebpm reports about itself (the OTLP resource). */
public final class EbpmVersion {
    public static final String VALUE = "0.1.0";

    private EbpmVersion() {}
}
