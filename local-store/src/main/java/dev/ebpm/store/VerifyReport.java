package dev.ebpm.store;

import dev.ebpm.pkg.BlobDirectory;
import java.util.List;

/** Result of {@link StoreMaintenance#verify(boolean)}: database check, every referenced blob re-hashed. */
public record VerifyReport(String databaseCheck, int blobsChecked, List<Problem> problems, List<String> removedVersions, int unreferencedBlobs) {

    /** A blob that is missing or does not hash to its name, and the installed versions (name@version) that use it. */
    public record Problem(String digest, BlobDirectory.State state, List<String> affectedVersions) {
    }

    public boolean clean() {
        return problems.isEmpty() && "ok".equals(databaseCheck);
    }
}
