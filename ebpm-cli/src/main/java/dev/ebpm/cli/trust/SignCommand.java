package dev.ebpm.cli.trust;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.store.StoreOptions;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm sign ARCHIVE}: writes the detached signature {@code ARCHIVE.sig} that {@code ebpm install ARCHIVE} checks. */
@Command(name = "sign", description = {"Sign a package archive's manifest (which lists every file's sha256) with your key;",
        "writes ARCHIVE.sig beside it. `ebpm publish` does this itself."})
public final class SignCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARCHIVE") Path archive;
    @Option(names = "--key", paramLabel = "NAME", description = "signing key (default: default)") String key = Keys.DEFAULT_NAME;
    @Option(names = "--passphrase-file", paramLabel = "F") Path passFile;
    @Mixin StoreOptions store;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(archive)) throw new UserError("no such file: " + archive);
        UnpackedPackage pkg;
        try (InputStream in = Files.newInputStream(archive)) {
            pkg = PackageArchive.unpack(in);
        }
        SecretKey k = Keys.loadSecret(Keys.directory(store.root()), key, passFile);
        SignatureEnvelope env = SignatureEnvelope.sign(k, pkg.manifest(), pkg.manifestJson());
        Path out = Path.of(archive + SignatureEnvelope.SUFFIX);
        Files.write(out, env.toJson());
        System.out.println("signed " + pkg.manifest().id() + " with key " + k.fingerprint().display() + ": " + out);
        return 0;
    }
}
