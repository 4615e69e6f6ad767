package dev.ebpm.cli.hub;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.trust.Keys;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.registry.HttpIndexHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm publish [DIR|ARCHIVE] --hub H [--key K]}: packs a package directory if needed, signs it and uploads both. */
@Command(name = "publish", description = {"Publish a package to an ebpm hub. DIR (default .) must hold an ebpm.json; it is",
        "packed first (reproducibly). An .ebpm archive is uploaded as it is. Versions are immutable.",
        "With --key the manifest is signed and the signature uploaded with the archive (an archive's ARCHIVE.sig is",
        "sent if there is one); the hub checks it against the publisher's registered keys and serves it to clients."})
public final class PublishCommand implements Runnable {
    @Parameters(paramLabel = "DIR|ARCHIVE", arity = "0..1", description = "package directory or .ebpm archive (default: .)")
    Path what = Path.of(".");

    @Option(names = "--hub", required = true, paramLabel = "HUB", description = "a configured hub name, or the hub's URL")
    String hubName;

    @Option(names = "--token", paramLabel = "TOKEN", description = "publish token (default: $EBPM_TOKEN)")
    String token;

    @Option(names = "--key", paramLabel = "NAME", description = "sign with this key (ebpm key generate); required once the hub has your key")
    String key;

    @Option(names = "--passphrase-file", paramLabel = "F", description = "the signing key's passphrase, first line of F")
    Path passFile;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        String t = token != null ? token : System.getenv("EBPM_TOKEN");
        if (t == null || t.isBlank()) throw new UserError("publishing needs a token: --token TOKEN or EBPM_TOKEN (a hub admin creates one with `ebpm-hub token create`)");
        Path archive = what;
        Path tmpDir = null;
        try {
            if (Files.isDirectory(what)) {
                tmpDir = Files.createTempDirectory("ebpm-publish-");
                archive = PackageArchive.pack(what, tmpDir);
                System.err.println("ebpm: packed " + archive.getFileName());
            } else if (!Files.isRegularFile(what)) {
                throw new UserError("no such file or directory: " + what);
            }
            var c = hub.client();
            HttpIndexHub h = hubName.startsWith("http://") || hubName.startsWith("https://") ? c.indexHubAt(hubName) : c.indexHub(hubName);
            byte[] signature = signature(archive);
            HttpIndexHub.Published p = h.publish(archive, t, signature);
            System.out.println("published " + p.name() + "@" + p.version() + " to " + h.name() + " (" + p.size() + " bytes"
                    + (signature == null ? ", unsigned" : ", signed") + ")");
            System.out.println("sha256:" + p.sha256());
        } catch (IOException e) {
            throw new UserError("cannot pack " + what + ": " + e.getMessage());
        } finally {
            if (tmpDir != null) deleteQuietly(tmpDir);
        }
    }

    /** The envelope to upload: made with --key, else the archive's own ARCHIVE.sig, else none. */
    private byte[] signature(Path archive) throws IOException {
        if (key == null) {
            Path sig = Path.of(archive + SignatureEnvelope.SUFFIX);
            return Files.isRegularFile(sig) ? Files.readAllBytes(sig) : null;
        }
        UnpackedPackage pkg;
        try (var in = Files.newInputStream(archive)) {
            pkg = PackageArchive.unpack(in);
        }
        SecretKey k = Keys.loadSecret(Keys.directory(hub.storeRoot()), key, passFile);
        System.err.println("ebpm: signed " + pkg.manifest().id() + " with key " + k.fingerprint().display());
        return SignatureEnvelope.sign(k, pkg.manifest(), pkg.manifestJson()).toJson();
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
