package dev.ebpm.loader.run;

import java.nio.ByteBuffer;

/**
 * What a host attaches to a {@link SkeletonRunner} to follow it as it runs (metrics, for one). Every call comes on the
 * run's own thread, between the events it prints, so an observer must return quickly and allocate nothing per event.
 */
public interface RunObserver {
    /** Once, when attached to a run ({@link SkeletonRunner#observe}): its object is loaded and its programs attached. Throwing refuses the run. */
    default void started(SkeletonRunner run) {}

    /**
     * One event, after it was printed: {@code length} bytes at {@code offset} of {@code buffer}, laid out as
     * {@link SkeletonRunner#eventFormatter()} decodes them. The buffer is only valid during the call.
     */
    default void event(ByteBuffer buffer, int offset, int length) {}

    /** Each reading of a sampled histogram map, at the package's interval. */
    default void histogram(HistogramSample sample) {}

    /** The run has stopped; its object is still open, and is closed right after this returns. */
    default void stopped() {}
}
