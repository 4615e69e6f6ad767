package dev.ebpm.cli.trust;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm sign ARCHIVE}: writes the detached signature {@code ARCHIVE.sig} that {@code ebpm install ARCHIVE} checks. */
@Command(name = "sign", description = {"Sign a package archive with your key.", "", "Sign a package archive's manifest (which lists every file's sha256) with your key;",
        "writes ARCHIVE.sig beside it. `ebpm publish` does this itself."})
public final class SignCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARCHIVE", description = "the .ebpm archive to sign") Path archive;
    @Option(names = "--key", paramLabel = "NAME", description = "signing key (default: default)") String key = Keys.DEFAULT_NAME;
    @Option(names = "--passphrase-file", paramLabel = "F", description = "the signing key's passphrase, first line of F (else asked on the terminal)") Path passFile;
    @Mixin StoreOptions store;

    @Override
    public Integer call() throws IOException {
        try (Session s = store.session()) {
            Keys.Signed signed = new Keys(s).signArchive(archive, key, Passphrases.from(passFile));
            System.out.println("signed " + signed.packageId() + " with key " + signed.key().display() + ": " + signed.signature());
        }
        return 0;
    }
}
