package dev.ebpm.hub;

import dev.ebpm.pkg.InvalidManifestException;
import dev.ebpm.pkg.InvalidPackageException;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * What an upload must be: in two steps, so that everything knowable from the request head is refused before the body
 * is read. {@link #beforeBody} checks who signed, and for what; {@link #verify} unpacks the received archive with
 * package-format's hardened reader and checks its manifest against the URL and the signature against the manifest.
 */
final class UploadVerifier {
    private final PackageName name;
    private final Version version;
    private final List<PublicKey> publisherKeys;
    private final SignatureEnvelope signature;

    private UploadVerifier(PackageName name, Version version, List<PublicKey> publisherKeys, SignatureEnvelope signature) {
        this.name = name;
        this.version = version;
        this.publisherKeys = publisherKeys;
        this.signature = signature;
    }

    /**
     * A publisher with registered keys must sign with one of them, and the signature must name this package and
     * version; a publisher without keys may upload unsigned packages only.
     *
     * @param signatureHeader the {@code Ebpm-Signature} header (base64 of the envelope's JSON), or null
     */
    static UploadVerifier beforeBody(Publishers.Publisher who, List<PublicKey> keys, String signatureHeader, PackageName name, Version version) {
        SignatureEnvelope env = parseSignature(signatureHeader);
        if (env == null) {
            if (!keys.isEmpty()) {
                throw new HubException(400, "signature_required", "publisher " + who.name() + " has a registered signing key: "
                        + name + "@" + version + " must be signed with it (ebpm publish --key NAME)");
            }
        } else {
            if (keys.stream().noneMatch(k -> k.fingerprint().equals(env.key()))) {
                throw new HubException(403, "unknown_key", name + "@" + version + " is signed by key " + env.key().display()
                        + ", which is not registered for publisher " + who.name()
                        + (keys.isEmpty() ? " (it has no key; the hub admin registers one with ebpm-hub publisher key)" : ""));
            }
            if (!env.name().equals(name.value()) || !env.version().equals(version.toString())) {
                throw new HubException(400, "bad_signature", "the signature is for " + env.packageId() + ", not for " + name + "@" + version);
            }
        }
        return new UploadVerifier(name, version, keys, env);
    }

    /** Unpacks and checks the received archive; returns it unpacked. */
    UnpackedPackage verify(Path archive) throws IOException {
        UnpackedPackage pkg;
        try (InputStream in = Files.newInputStream(archive)) {
            pkg = PackageArchive.unpack(in);
        } catch (InvalidManifestException e) {
            throw new HubException(400, "bad_manifest", e.getMessage());
        } catch (InvalidPackageException e) {
            throw new HubException(400, "bad_archive", e.getMessage());
        }
        PackageManifest m = pkg.manifest();
        if (!m.name().equals(name)) {
            throw new HubException(400, "name_mismatch", "the archive is " + m.id() + " but was published as " + name + "@" + version);
        }
        // equal versions may still be spelled differently (build metadata); the index serves the URL's spelling
        if (!m.version().equals(version) || !m.version().toString().equals(version.toString())) {
            throw new HubException(400, "version_mismatch", "the archive is " + m.id() + " but was published as " + name + "@" + version);
        }
        if (signature != null) verifySignature(pkg);
        return pkg;
    }

    /** The verified signature as stored and served in the index, or null for an unsigned upload. */
    String signatureJson() {
        return signature == null ? null : signature.toJsonString();
    }

    private void verifySignature(UnpackedPackage pkg) {
        SimpleKeyRing ring = new SimpleKeyRing();
        for (PublicKey k : publisherKeys) ring.trust(KeyRing.ANY_SOURCE, k);
        try {
            new Verifier(ring).verifyPackage(KeyRing.ANY_SOURCE, signature, pkg.manifest(), pkg.manifestJson());
        } catch (TrustException e) {
            boolean unknownKey = e.reason() == TrustException.Reason.UNKNOWN_KEY;
            throw new HubException(unknownKey ? 403 : 400, unknownKey ? "unknown_key" : "bad_signature", e.getMessage());
        }
    }

    private static SignatureEnvelope parseSignature(String base64) {
        if (base64 == null || base64.isBlank()) return null;
        byte[] json;
        try {
            json = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new HubException(400, "bad_signature", "the Ebpm-Signature header is not base64");
        }
        try {
            return SignatureEnvelope.parse(json);
        } catch (TrustException e) {
            throw new HubException(400, "bad_signature", e.getMessage());
        }
    }
}
