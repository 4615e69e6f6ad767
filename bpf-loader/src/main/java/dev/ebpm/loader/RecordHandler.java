package dev.ebpm.loader;

import java.nio.ByteBuffer;

/**
 * Receives records straight from a ring or perf buffer's shared memory. The buffer is only valid
 * during the call: copy what you keep. No allocation happens between the kernel and this call.
 */
public interface RecordHandler {
    void onRecord(ByteBuffer buffer, int offset, int length);

    /** Records the kernel dropped because the buffer was full (perf buffers report them). */
    default void onLost(long count) {}
}
