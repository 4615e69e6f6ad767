package dev.ebpm.pkg.trust;

import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key with a label. Text form, one line (what {@code ebpm key export} prints and {@code key trust}
 * reads): {@code ebpm-ed25519 <base64 of the 32 raw bytes> [name]}.
 */
public final class PublicKey {
    public static final String ALGORITHM = "ed25519";
    static final String TEXT_PREFIX = "ebpm-ed25519";

    private final byte[] raw;
    private final String name;
    private final Fingerprint fingerprint;

    public PublicKey(byte[] raw, String name) {
        if (raw == null || raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new TrustException("an Ed25519 public key is 32 bytes, got " + (raw == null ? 0 : raw.length));
        }
        this.raw = raw.clone();
        this.name = name == null || name.isBlank() ? "" : name.strip();
        this.fingerprint = Fingerprint.of(this.raw);
    }

    public static PublicKey parse(String text) {
        String line = text.strip();
        String[] parts = line.split("\\s+", 3);
        if (parts.length < 2 || !parts[0].equals(TEXT_PREFIX)) {
            throw new TrustException("not an ebpm public key (expected \"" + TEXT_PREFIX + " BASE64 [NAME]\")");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new TrustException("ebpm public key: invalid base64");
        }
        return new PublicKey(raw, parts.length == 3 ? parts[2] : null);
    }

    public byte[] raw() {
        return raw.clone();
    }

    public String name() {
        return name;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    public PublicKey withName(String n) {
        return new PublicKey(raw, n);
    }

    /** True if {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verifies(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) return false;
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(raw, 0));
        v.update(message, 0, message.length);
        return v.verifySignature(signature);
    }

    public String toText() {
        return TEXT_PREFIX + " " + Base64.getEncoder().encodeToString(raw) + (name.isEmpty() ? "" : " " + name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey k && Arrays.equals(raw, k.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return (name.isEmpty() ? "" : name + " ") + fingerprint.display();
    }
}
