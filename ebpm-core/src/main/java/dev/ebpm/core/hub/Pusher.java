package dev.ebpm.core.hub;

import dev.ebpm.core.fetch.TempDirectory;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.registry.ArtifactObject;
import dev.ebpm.registry.ArtifactReference;
import dev.ebpm.registry.oci.ArtifactBuilder;
import dev.ebpm.registry.oci.ArtifactPusher;
import dev.ebpm.registry.oci.OciHub;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ebpm push}: a package directory (packed reproducibly) or a .ebpm archive goes to a registry as ebpm's artifact,
 * its signature (made with {@code --key}, else the archive's ARCHIVE.sig) attached as an OCI 1.1 referrer; with
 * {@code --format ecli} a WASM module goes exactly as {@code ecli push} sends it.
 */
public final class Pusher {
    public enum Format { EBPM, ECLI }

    /** What was pushed: where, its manifest digest, and the signer when signed here. */
    public record Pushed(ArtifactReference reference, String digest, String id, boolean signed, String signer) {}

    private final Session session;
    private final Keys keys;

    public Pusher(Session session) {
        this.session = session;
        this.keys = new Keys(session);
    }

    public Pushed push(Path what, PackageSpec.OciReference target, Format format, String keyOrNull, Keys.Passphrases passphrases) {
        ArtifactReference ref = target.artifact();
        if (ref.tag() == null || target.text().contains("@")) {
            throw new SpecException("\"" + target.text() + "\": push needs REGISTRY/REPOSITORY:TAG (a digest is what the push makes, not a name for it)");
        }
        if (!Files.exists(what)) throw new SpecException("no such file or directory: " + what);
        References refs = new References(session, keys);
        var context = refs.context();
        ArtifactBuilder builder = new ArtifactBuilder(OciHub.cache(context));
        ArtifactPusher pusher = new ArtifactPusher(OciHub.client(ref.registry(), context));
        if (format == Format.ECLI) {
            byte[] head = head(what);
            if (Files.isDirectory(what) || head.length < 4 || head[0] != 0 || head[1] != 'a' || head[2] != 's' || head[3] != 'm') {
                throw new SpecException(what + " is not a WebAssembly module; --format ecli pushes an app.wasm as ecli does");
            }
            List<ArtifactObject> objects = builder.ecli(what, what.getFileName().toString());
            String digest = pusher.push(ref.repository(), ref.tag(), objects, null);
            return new Pushed(ref, digest, what.getFileName().toString(), false, null);
        }
        try (TempDirectory tmp = new TempDirectory("ebpm-push-")) {
            Path archive = what;
            if (Files.isDirectory(what)) {
                archive = PackageArchive.pack(what, tmp.path());
                session.note("packed " + archive.getFileName());
            }
            UnpackedPackage pkg;
            try (InputStream in = Files.newInputStream(archive)) {
                pkg = PackageArchive.unpack(in);
            }
            byte[] signature;
            String signer = null;
            if (keyOrNull != null) {
                SecretKey k = keys.loadSecret(keyOrNull, passphrases);
                signer = k.fingerprint().display();
                signature = SignatureEnvelope.sign(k, pkg.manifest(), pkg.manifestJson()).toJson();
            } else {
                Path sig = Path.of(archive + SignatureEnvelope.SUFFIX);
                signature = Files.isRegularFile(sig) ? Files.readAllBytes(sig) : null;
                if (signature != null) SignatureEnvelope.parse(signature); // a broken ARCHIVE.sig is refused before anything is sent
            }
            if (signature == null) session.warn("pushing " + pkg.manifest().id() + " UNSIGNED: installing it will need --allow-unsigned (sign with --key NAME)");
            List<ArtifactObject> objects = builder.ebpm(archive, pkg.manifest(), signature);
            String digest = pusher.push(ref.repository(), ref.tag(), objects, null);
            return new Pushed(ref, digest, pkg.manifest().id(), signature != null, signer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what, e);
        }
    }

    private static byte[] head(Path p) {
        if (Files.isDirectory(p)) return new byte[0];
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
