package dev.ebpm.hub;

import dev.ebpm.pkg.Digests;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Publish tokens: 32 random bytes shown once; the hub keeps only their SHA-256. */
final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "ebpm_";

    private Tokens() {
    }

    static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String token) {
        return Digests.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
