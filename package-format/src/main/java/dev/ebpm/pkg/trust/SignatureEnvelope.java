package dev.ebpm.pkg.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageManifest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A detached package signature (minisign/cosign style: over a digest, not the bytes), as JSON:
 * <pre>
 * {"algorithm":"ed25519","key":"FINGERPRINT","signature":"BASE64",
 *  "signed":{"manifest_sha256":"HEX","name":"sigsnoop","type":"package","version":"1.0.0"}}
 * </pre>
 * {@code signed} is the statement; the Ed25519 signature covers its canonical JSON behind the "package" domain
 * prefix ({@link SignedJson#message}). Because the statement names the package and version as well as the manifest's
 * SHA-256, a valid signature of one package cannot be attached to another, nor survive a rename. The manifest lists
 * every file's SHA-256 and size, so the signature transitively covers every byte the package carries.
 */
public record SignatureEnvelope(String algorithm, Fingerprint key, String name, String version, String manifestSha256, byte[] signature) {
    public static final String TYPE = "package";

    public SignatureEnvelope {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
    /** The file name of a detached signature beside an archive: {@code NAME-VERSION.ebpm.sig}. */
    public static final String SUFFIX = PackageManifest.SIGNATURE_SUFFIX;

    /** Signs {@code manifestJson} (the exact ebpm.json bytes the package carries). */
    public static SignatureEnvelope sign(SecretKey key, PackageManifest manifest, byte[] manifestJson) {
        String sha = Digests.sha256Hex(manifestJson);
        String name = manifest.name().value();
        String version = manifest.version().toString();
        byte[] sig = key.sign(SignedJson.message(TYPE, SignedJson.canonical(statement(name, version, sha))));
        return new SignatureEnvelope(PublicKey.ALGORITHM, key.fingerprint(), name, version, sha, sig);
    }

    private static Map<String, Object> statement(String name, String version, String manifestSha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("name", name);
        m.put("version", version);
        m.put("manifest_sha256", manifestSha);
        return m;
    }

    /** The exact bytes the signature covers. */
    public byte[] signedMessage() {
        return SignedJson.message(TYPE, SignedJson.canonical(statement(name, version, manifestSha256)));
    }

    public String packageId() {
        return name + "@" + version;
    }

    public byte[] toJson() {
        return SignedJson.envelope(key, signature, statement(name, version, manifestSha256));
    }

    public String toJsonString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    public static SignatureEnvelope parse(byte[] json) {
        String what = "package signature";
        SignedJson.Envelope e = SignedJson.readEnvelope(json, what, TYPE, "a package signature");
        JsonNode s = e.signed();
        String sha = SignedJson.text(s, "manifest_sha256", what);
        if (!Digests.isSha256Hex(sha)) throw new TrustException(what + ": manifest_sha256 is not a SHA-256");
        return new SignatureEnvelope(PublicKey.ALGORITHM, e.key(), SignedJson.text(s, "name", what), SignedJson.text(s, "version", what), sha,
                e.signature());
    }

    public static SignatureEnvelope parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
