package dev.ebpm.registry;

/**
 * Told how a download goes, so a terminal can show progress; the registry never prints. {@link #NONE} shows nothing.
 */
public interface TransferListener {
    TransferListener NONE = (what, total) -> Transfer.NONE;

    /** A download of {@code what} starts; {@code totalBytes} is below 0 when unknown. */
    Transfer started(String what, long totalBytes);

    /** One download in progress. */
    interface Transfer {
        Transfer NONE = new Transfer() {
            @Override
            public void progressed(long bytesSoFar) {
            }

            @Override
            public void finished(long bytes) {
            }
        };

        void progressed(long bytesSoFar);

        /** Called once, after the last byte (not on failure). */
        void finished(long bytes);
    }
}
