package dev.ebpm.pkg.trust;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 signing key in memory, with its public half. Read and written by {@link SecretKeyFile}. */
public final class SecretKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519PrivateKeyParameters key;
    private final PublicKey publicKey;

    SecretKey(byte[] seed, String name) {
        this.key = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = new PublicKey(key.generatePublicKey().getEncoded(), name);
    }

    public static SecretKey generate(String name) {
        return new SecretKey(new Ed25519PrivateKeyParameters(RANDOM).getEncoded(), name);
    }

    /** For tests and deterministic fixtures only: a key from a 32-byte seed. */
    public static SecretKey fromSeed(byte[] seed, String name) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) throw new TrustException("an Ed25519 seed is 32 bytes");
        return new SecretKey(seed, name);
    }

    byte[] seed() {
        return key.getEncoded();
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public Fingerprint fingerprint() {
        return publicKey.fingerprint();
    }

    public String name() {
        return publicKey.name();
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    @Override
    public String toString() {
        return "SecretKey(" + publicKey + ")";
    }
}
