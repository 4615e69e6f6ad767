package dev.ebpm.pkg.trust;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Canonical JSON (sorted keys, no whitespace) for the statements ebpm signs, and the domain-separated message a
 * signature covers: {@code "ebpm-signature-v1\n" + TYPE + "\n" + canonical statement}. The type ("package",
 * "index") keeps a signature made for one purpose from being accepted for another.
 */
final class SignedJson {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    static final int MAX_BYTES = 64 * 1024;

    private SignedJson() {
    }

    static byte[] canonical(Map<String, ?> statement) {
        try {
            return JSON.writeValueAsBytes(new java.util.TreeMap<>(statement));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] message(String type, byte[] canonicalStatement) {
        byte[] head = ("ebpm-signature-v1\n" + type + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + canonicalStatement.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(canonicalStatement, 0, out, head.length, canonicalStatement.length);
        return out;
    }

    static JsonNode read(byte[] json, String what) {
        if (json.length > MAX_BYTES) throw new TrustException(what + " is larger than " + MAX_BYTES + " bytes");
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) throw new TrustException(what + " is not a JSON object");
            return n;
        } catch (IOException e) {
            throw new TrustException(what + " is not valid JSON");
        }
    }

    static String text(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new TrustException(what + ": field \"" + field + "\" missing or not a string");
        return v.textValue();
    }

    static byte[] base64(JsonNode n, String field, String what) {
        try {
            return Base64.getDecoder().decode(text(n, field, what));
        } catch (IllegalArgumentException e) {
            throw new TrustException(what + ": field \"" + field + "\" is not base64");
        }
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Writes a signature envelope: algorithm, signing key, signature, and the signed statement itself. */
    static byte[] envelope(Fingerprint key, byte[] signature, Map<String, ?> statement) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("algorithm", PublicKey.ALGORITHM);
        m.put("key", key.hex());
        m.put("signature", base64(signature));
        m.put("signed", new java.util.TreeMap<>(statement));
        return canonical(m);
    }

    /** An envelope's common parts, checked: the signing key, the signature, and the statement of the expected type. */
    record Envelope(Fingerprint key, byte[] signature, JsonNode signed) {}

    /** Reads an envelope whose statement must have {@code type}; {@code typeName} names it in errors ("a package signature"). */
    static Envelope readEnvelope(byte[] json, String what, String type, String typeName) {
        JsonNode n = read(json, what);
        String alg = text(n, "algorithm", what);
        if (!PublicKey.ALGORITHM.equals(alg)) throw new TrustException(what + ": unsupported algorithm \"" + alg + "\" (ebpm uses ed25519)");
        JsonNode s = n.get("signed");
        if (s == null || !s.isObject()) throw new TrustException(what + ": field \"signed\" missing");
        if (!type.equals(text(s, "type", what))) {
            throw new TrustException(what + ": not " + typeName + " (type \"" + s.path("type").asText() + "\")");
        }
        Fingerprint fp;
        try {
            fp = new Fingerprint(text(n, "key", what));
        } catch (TrustException e) {
            throw new TrustException(what + ": " + e.getMessage());
        }
        return new Envelope(fp, base64(n, "signature", what), s);
    }
}
