package dev.ebpm.core.hub;

import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.fetch.TempDirectory;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.registry.hubs.HttpIndexHub;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ebpm publish} and {@code ebpm yank} against an ebpm index hub (by name or URL). */
public final class Publisher {
    /** What was published, and with which key if signed here. */
    public record Published(HttpIndexHub.Published hub, String hubName, boolean signed, String signer) {}

    private final Session session;
    private final Keys keys;
    private final Hubs hubs;

    public Publisher(Session session) {
        this.session = session;
        this.keys = new Keys(session);
        this.hubs = new Hubs(session, keys);
    }

    /**
     * Packs a package directory (reproducibly) or takes an archive as it is, signs it with {@code keyOrNull} (else sends
     * the archive's own ARCHIVE.sig, if any) and uploads both.
     */
    public Published publish(Path what, String hubNameOrUrl, String token, String keyOrNull, Keys.Passphrases passphrases) {
        try (TempDirectory tmp = new TempDirectory("ebpm-publish-")) {
            Path archive = what;
            if (Files.isDirectory(what)) {
                archive = new SourceBuilder(session).pack(what, tmp.path());
                session.note("packed " + archive.getFileName());
            } else if (!Files.isRegularFile(what)) {
                throw new SpecException("no such file or directory: " + what);
            }
            HttpIndexHub h = hubs.indexHub(hubNameOrUrl);
            byte[] signature;
            String signer = null;
            if (keyOrNull == null) {
                Path sig = Path.of(archive + SignatureEnvelope.SUFFIX);
                signature = Files.isRegularFile(sig) ? Files.readAllBytes(sig) : null;
            } else {
                UnpackedPackage pkg = unpack(archive);
                SecretKey k = keys.loadSecret(keyOrNull, passphrases);
                signer = k.fingerprint().display();
                signature = SignatureEnvelope.sign(k, pkg.manifest(), pkg.manifestJson()).toJson();
            }
            return new Published(h.publish(archive, token, signature), h.name(), signature != null, signer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + what, e);
        }
    }

    /** Yanks (or un-yanks) one published version: new resolutions skip it, lockfiles still get it. */
    public String yank(PackageSpec spec, String hubNameOrUrl, String token, boolean yanked) {
        if (!(spec instanceof PackageSpec.Named n) || n.exact() == null) {
            throw new SpecException("yank needs an exact version: NAME@VERSION (got \"" + spec.text() + "\", read as " + spec.form() + ")");
        }
        HttpIndexHub h = hubs.indexHub(hubNameOrUrl);
        h.setYanked(n.name(), n.exact(), yanked, token);
        return h.name();
    }

    static UnpackedPackage unpack(Path archive) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            return PackageArchive.unpack(in);
        }
    }
}
