package dev.ebpm.pkg.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.pkg.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signature of a hub's index, served beside it ({@code /index.json.sig}); like TUF's timestamp metadata it binds
 * the index by digest to a version number and an expiry:
 * <pre>
 * {"algorithm":"ed25519","key":"FINGERPRINT","signature":"BASE64",
 *  "signed":{"expires":"2026-12-02T13:00:00Z","index_sha256":"HEX","type":"index","version":42}}
 * </pre>
 * A client keeps the highest version it has verified and refuses a lower one (rollback) and an expired one (freeze).
 */
public record IndexSignature(Fingerprint key, long version, Instant expires, String indexSha256, byte[] signature) {
    public static final String TYPE = "index";

    public IndexSignature {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
    public static final String FILE_NAME = "index.json.sig";

    public static IndexSignature sign(SecretKey key, byte[] indexJson, long version, Instant expires) {
        if (version < 1) throw new IllegalArgumentException("index version starts at 1");
        Instant exp = expires.truncatedTo(ChronoUnit.SECONDS);
        String sha = Digests.sha256Hex(indexJson);
        byte[] sig = key.sign(SignedJson.message(TYPE, SignedJson.canonical(statement(version, exp, sha))));
        return new IndexSignature(key.fingerprint(), version, exp, sha, sig);
    }

    private static Map<String, Object> statement(long version, Instant expires, String sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("version", version);
        m.put("expires", expires.toString());
        m.put("index_sha256", sha);
        return m;
    }

    public byte[] signedMessage() {
        return SignedJson.message(TYPE, SignedJson.canonical(statement(version, expires, indexSha256)));
    }

    public byte[] toJson() {
        return SignedJson.envelope(key, signature, statement(version, expires, indexSha256));
    }

    public String toJsonString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    public static IndexSignature parse(byte[] json) {
        String what = "index signature";
        SignedJson.Envelope env = SignedJson.readEnvelope(json, what, TYPE, "an index signature");
        JsonNode s = env.signed();
        JsonNode v = s.get("version");
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 1) throw new TrustException(what + ": \"version\" must be a positive integer");
        Instant exp;
        try {
            exp = Instant.parse(SignedJson.text(s, "expires", what));
        } catch (DateTimeParseException e) {
            throw new TrustException(what + ": \"expires\" is not a UTC time");
        }
        String sha = SignedJson.text(s, "index_sha256", what);
        if (!Digests.isSha256Hex(sha)) throw new TrustException(what + ": index_sha256 is not a SHA-256");
        return new IndexSignature(env.key(), v.asLong(), exp, sha, env.signature());
    }
}
