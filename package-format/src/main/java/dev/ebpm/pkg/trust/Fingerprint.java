package dev.ebpm.pkg.trust;

import dev.ebpm.pkg.Digests;
import java.util.Locale;

/**
 * A key's identity: the SHA-256 of its raw 32-byte Ed25519 public key, in lower-case hex. People read the first 16
 * bytes in groups of four hex digits ({@link #display()}); commands accept the full hex or any unique prefix of at
 * least 16 hex digits, with or without spaces and colons.
 */
public record Fingerprint(String hex) implements Comparable<Fingerprint> {
    public Fingerprint {
        if (!Digests.isSha256Hex(hex)) throw new TrustException("invalid key fingerprint " + hex + ": expected 64 hex digits");
    }

    public static Fingerprint of(byte[] rawPublicKey) {
        return new Fingerprint(Digests.sha256Hex(rawPublicKey));
    }

    /** Strips spaces and colons and lower-cases; the result may be a prefix. */
    public static String normalize(String typed) {
        String s = typed.strip().replace(" ", "").replace(":", "").toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256")) s = s.substring(6);
        if (s.isEmpty() || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new TrustException("\"" + typed + "\" is not a key fingerprint (hex digits)");
        }
        return s;
    }

    public static Fingerprint parse(String typed) {
        return new Fingerprint(normalize(typed));
    }

    /** First 16 bytes, grouped: {@code 3f2a 91c0 ...} (8 groups). */
    public String display() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 32; i += 4) {
            if (i > 0) b.append(' ');
            b.append(hex, i, i + 4);
        }
        return b.toString();
    }

    public boolean matches(String normalizedPrefix) {
        return hex.startsWith(normalizedPrefix);
    }

    @Override
    public int compareTo(Fingerprint o) {
        return hex.compareTo(o.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
