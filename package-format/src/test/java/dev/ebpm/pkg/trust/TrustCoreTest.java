package dev.ebpm.pkg.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustCoreTest {
    static final SecretKey ALICE = SecretKey.fromSeed(seed(1), "alice");
    static final SecretKey MALLORY = SecretKey.fromSeed(seed(2), "mallory");
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static byte[] seed(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }

    static PackageManifest manifest(String name, String description) {
        return PackageManifest.builder().name(name).version("1.0.0").kind(PackageKind.BPF).entry("package.json")
                .description(description).file("package.json", "{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    static Verifier verifier() {
        return new Verifier(new SimpleKeyRing().trust("hub1", ALICE.publicKey()));
    }

    static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected \"" + part + "\" in: " + message);
    }

    static String refused(Runnable r) {
        return assertThrows(TrustException.class, r::run).getMessage();
    }

    @Test
    void packageSignatureRoundTripsAndVerifies() {
        PackageManifest m = manifest("sigsnoop", "x");
        SignatureEnvelope env = SignatureEnvelope.sign(ALICE, m, m.toJson());
        SignatureEnvelope back = SignatureEnvelope.parse(env.toJson());
        assertArrayEquals(env.toJson(), back.toJson());
        assertEquals(ALICE.fingerprint(), verifier().verifyPackage("hub1", back, m, m.toJson()).key().fingerprint());
    }

    @Test
    void tamperMatrix() {
        PackageManifest m = manifest("sigsnoop", "x");
        SignatureEnvelope env = SignatureEnvelope.sign(ALICE, m, m.toJson());
        // a flipped bit in the signature
        byte[] sig = env.signature();
        sig[5] ^= 1;
        SignatureEnvelope flipped = new SignatureEnvelope(env.algorithm(), env.key(), env.name(), env.version(), env.manifestSha256(), sig);
        assertContains(refused(() -> verifier().verifyPackage("hub1", flipped, m, m.toJson())), "signature does not verify");
        // manifest changed after signing
        PackageManifest changed = manifest("sigsnoop", "y");
        assertContains(refused(() -> verifier().verifyPackage("hub1", env, changed, changed.toJson())), "ebpm.json does not match its signature");
        // renamed after signing / substituted signature
        PackageManifest other = manifest("other", "x");
        assertContains(refused(() -> verifier().verifyPackage("hub1", env, other, other.toJson())), "the signature is for sigsnoop@1.0.0, not for this package");
        // untrusted key, key trusted for another hub
        SignatureEnvelope byMallory = SignatureEnvelope.sign(MALLORY, m, m.toJson());
        assertContains(refused(() -> verifier().verifyPackage("hub1", byMallory, m, m.toJson())), "which is not trusted for hub hub1");
        assertContains(refused(() -> verifier().verifyPackage("hub2", env, m, m.toJson())), "not trusted for hub hub2");
        // revoked
        Verifier revoked = new Verifier(new SimpleKeyRing().trust("hub1", ALICE.publicKey()).revoke(ALICE.fingerprint(), "revoked 2026-11-25"));
        assertContains(refused(() -> revoked.verifyPackage("hub1", env, m, m.toJson())), "which was revoked");
        // a key trusted for any source counts for every hub
        new Verifier(new SimpleKeyRing().trust(KeyRing.ANY_SOURCE, ALICE.publicKey())).verifyPackage("hub9", env, m, m.toJson());
    }

    @Test
    void envelopeParsingRefusesGarbage() {
        assertContains(refused(() -> SignatureEnvelope.parse("nope")), "not valid JSON");
        PackageManifest m = manifest("sigsnoop", "x");
        String idx = IndexSignature.sign(ALICE, m.toJson(), 1, NOW).toJsonString();
        assertContains(refused(() -> SignatureEnvelope.parse(idx)), "not a package signature");
    }

    @Test
    void indexFreshness() {
        byte[] index = "{\"protocol\":1}".getBytes(StandardCharsets.UTF_8);
        Instant exp = NOW.plus(Duration.ofDays(7));
        IndexSignature v5 = IndexSignature.parse(IndexSignature.sign(ALICE, index, 5, exp).toJson());
        Verifier v = verifier();
        v.verifyIndex("hub1", v5, index, null, NOW);
        v.verifyIndex("hub1", v5, index, new IndexState(5, v5.indexSha256(), exp), NOW);
        assertTrue(refused(() -> v.verifyIndex("hub1", v5, index, new IndexState(6, "0".repeat(64), exp), NOW))
                .contains("is version 5, older than version 6 already seen"));
        assertTrue(refused(() -> v.verifyIndex("hub1", v5, index, new IndexState(5, "0".repeat(64), exp), NOW))
                .contains("different contents"));
        assertContains(refused(() -> v.verifyIndex("hub1", v5, index, null, exp.plusSeconds(3600))), "expired at");
        byte[] other = "{\"protocol\":1,\"packages\":[]}".getBytes(StandardCharsets.UTF_8);
        assertContains(refused(() -> v.verifyIndex("hub1", v5, other, null, NOW)), "does not match its signature");
        IndexSignature byMallory = IndexSignature.sign(MALLORY, index, 9, exp);
        assertContains(refused(() -> v.verifyIndex("hub1", byMallory, index, null, NOW)), "not trusted for hub hub1");
    }

    @Test
    void secretKeyFilesAreOwnerOnlyAndPassphraseProtected(@TempDir Path dir) throws Exception {
        SecretKey k = SecretKey.generate("ci");
        Path plain = dir.resolve("plain.key");
        SecretKeyFile.write(k, null, plain);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
        assertFalse(SecretKeyFile.isEncrypted(plain));
        assertEquals(k.fingerprint(), SecretKeyFile.read(plain, null).fingerprint());
        assertTrue(refused(() -> {
            try {
                SecretKeyFile.write(k, null, plain);
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        }).contains("already exists"));

        Path sealed = dir.resolve("sealed.key");
        SecretKeyFile.write(k, "correct horse".toCharArray(), sealed);
        assertTrue(SecretKeyFile.isEncrypted(sealed));
        String text = Files.readString(sealed);
        assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(k.seed())));
        assertEquals(k.fingerprint(), SecretKeyFile.read(sealed, "correct horse".toCharArray()).fingerprint());
        assertContains(refused(() -> decode(sealed, "wrong")), "wrong passphrase");
        assertContains(refused(() -> decode(sealed, null)), "protected by a passphrase");
        // the same signature from the reloaded key
        byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
        assertTrue(k.publicKey().verifies(msg, SecretKeyFile.read(sealed, "correct horse".toCharArray()).sign(msg)));
    }

    private static SecretKey decode(Path p, String pass) {
        try {
            return SecretKeyFile.read(p, pass == null ? null : pass.toCharArray());
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void publicKeyTextAndFingerprints() {
        PublicKey p = ALICE.publicKey();
        PublicKey back = PublicKey.parse(p.toText() + "\n");
        assertEquals(p, back);
        assertEquals("alice", back.name());
        assertEquals(64, p.fingerprint().hex().length());
        assertEquals(8, p.fingerprint().display().split(" ").length);
        assertEquals(p.fingerprint(), Fingerprint.parse(p.fingerprint().hex().toUpperCase()));
        assertTrue(p.fingerprint().matches(Fingerprint.normalize(p.fingerprint().display())));
        assertContains(refused(() -> PublicKey.parse("ssh-ed25519 AAAA")), "not an ebpm public key");
    }
}
