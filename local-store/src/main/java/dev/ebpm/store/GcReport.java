package dev.ebpm.store;

/** What {@link LocalStore#gc()} removed. */
public record GcReport(int blobsDeleted, long bytesFreed, int tempFilesDeleted) {
}
