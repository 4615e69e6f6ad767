package dev.ebpm.core.runs.host;

import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.runs.RunSpec;
import dev.ebpm.loader.run.RunObserver;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Serves the metrics a hosted run's spec asks for ({@link RunSpec#metrics}). The daemon implements it with ebpm-metrics;
 * ebpm-core knows only this shape, so it does not depend on Prometheus or OpenTelemetry.
 */
@FunctionalInterface
public interface RunMetering {
    /**
     * Starts serving run {@code runId}'s metrics (binds the endpoint, reads the config) before the run is loaded.
     *
     * @param notes the run's own log, for notes such as "no program run times"
     * @throws RuntimeException with a one-line message when it cannot (the port is taken, the config is wrong): the start fails
     */
    Meter open(String runId, RunSpec spec, RunnablePackage pkg, PrintStream notes);

    /** One run's metrics: the observer to attach to the run, and the endpoint, closed when the run ends. */
    interface Meter extends AutoCloseable {
        /** Attached with SkeletonRunner.observe, which may refuse the run (a counter's field or a map it lacks). */
        RunObserver observer();

        /** Where /metrics is served, if it is. */
        Optional<InetSocketAddress> address();

        /** Pushes the final values, stops serving. */
        @Override
        void close();
    }
}
