package dev.ebpm.cli.store;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.store.GcReport;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.session.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "gc", description = {"Delete unused blobs, temp files and cached downloads.", "", "Delete blobs no installed package uses, temp files left by interrupted installs and downloads, and cached downloads that are installed or refused."})
public final class GcCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        GcReport r;
        try (Session s = store.session()) {
            r = new Inventory(s).gc();
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("blobs_deleted", r.blobsDeleted());
            out.put("bytes_freed", r.bytesFreed());
            out.put("temp_files_deleted", r.tempFilesDeleted());
            StoreOutput.json(System.out, out);
            return 0;
        }
        System.out.println("deleted " + r.blobsDeleted() + " unreferenced blobs (" + StoreOutput.size(r.bytesFreed()) + ") and " + r.tempFilesDeleted() + " temp files");
        return 0;
    }
}
