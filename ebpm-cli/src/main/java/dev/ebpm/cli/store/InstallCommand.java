package dev.ebpm.cli.store;

import dev.ebpm.store.ArchiveInstaller;
import dev.ebpm.store.InstallResult;
import dev.ebpm.store.LocalStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "install", description = "Install a package archive (.ebpm) from a file or an http(s) URL into the local store.")
public final class InstallCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(paramLabel = "ARCHIVE", description = "Path or http(s) URL of a .ebpm archive.")
    String archive;

    @Override
    public Integer call() throws Exception {
        try (LocalStore s = store.open()) {
            InstallResult r = new ArchiveInstaller(s).install(archive);
            if (r.alreadyInstalled()) {
                System.out.println(r.id() + " is already installed");
            } else {
                System.out.println("installed " + r.id() + " (" + r.blobsWritten() + (r.blobsWritten() == 1 ? " new blob, " : " new blobs, ") + StoreOutput.size(r.bytesWritten()) + ") in " + s.root());
            }
        }
        return 0;
    }
}
