package dev.ebpm.cli.store;

import dev.ebpm.store.GcReport;
import dev.ebpm.store.LocalStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "gc", description = "Delete blobs no installed package uses and temp files left by interrupted installs.")
public final class GcCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Override
    public Integer call() {
        GcReport r;
        try (LocalStore s = store.open()) {
            r = s.gc();
        }
        System.out.println("deleted " + r.blobsDeleted() + " unreferenced blobs (" + StoreOutput.size(r.bytesFreed()) + ") and " + r.tempFilesDeleted() + " temp files");
        return 0;
    }
}
