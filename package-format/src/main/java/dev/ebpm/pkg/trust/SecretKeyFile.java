package dev.ebpm.pkg.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The private key file ({@code NAME.key}, mode 0600), JSON:
 * <pre>
 * {"format":"ebpm-secret-key","version":1,"algorithm":"ed25519","name":"...","public_key":"BASE64",
 *  "kdf":"scrypt","scrypt":{"n":32768,"r":8,"p":1,"salt":"BASE64"},"cipher":"aes-256-gcm","nonce":"BASE64","secret":"BASE64"}
 * </pre>
 * With a passphrase the 32-byte seed is sealed with AES-256-GCM under a key derived by scrypt (N=2^15, r=8, p=1;
 * about 32 MiB and 0.1 s), the public key as associated data, so a wrong passphrase or an edited file fails the tag
 * check. Without one, {@code "kdf":"none"} and {@code secret} is the seed itself. On load the seed must give back the
 * recorded public key.
 */
public final class SecretKeyFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SCRYPT_N = 1 << 15;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretKeyFile() {
    }

    /** Writes {@code key} to a new file {@code target} (refuses to overwrite), mode 0600 from creation. */
    public static void write(SecretKey key, char[] passphraseOrNull, Path target) throws IOException {
        byte[] bytes = encode(key, passphraseOrNull);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, bytes);
            try {
                Files.createLink(target, tmp); // atomic create-if-absent: never replaces an existing key
            } catch (FileAlreadyExistsException e) {
                throw new TrustException("key file " + target + " already exists; not overwritten");
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static byte[] encode(SecretKey key, char[] passphraseOrNull) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "ebpm-secret-key");
        root.put("version", 1);
        root.put("algorithm", PublicKey.ALGORITHM);
        root.put("name", key.name());
        byte[] pub = key.publicKey().raw();
        root.put("public_key", b64(pub));
        byte[] seed = key.seed();
        try {
            if (passphraseOrNull == null) {
                root.put("kdf", "none");
                root.put("secret", b64(seed));
            } else {
                byte[] salt = random(16);
                byte[] nonce = random(12);
                byte[] k = derive(passphraseOrNull, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
                root.put("kdf", "scrypt");
                ObjectNode s = root.putObject("scrypt");
                s.put("n", SCRYPT_N);
                s.put("r", SCRYPT_R);
                s.put("p", SCRYPT_P);
                s.put("salt", b64(salt));
                root.put("cipher", "aes-256-gcm");
                root.put("nonce", b64(nonce));
                root.put("secret", b64(gcm(true, k, nonce, pub, seed)));
                Arrays.fill(k, (byte) 0);
            }
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException | InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** True if the file needs a passphrase. */
    public static boolean isEncrypted(Path file) throws IOException {
        return !"none".equals(readTree(file).path("kdf").asText());
    }

    public static SecretKey read(Path file, char[] passphraseOrNull) throws IOException {
        return decode(Files.readAllBytes(file), passphraseOrNull, file.toString());
    }

    public static SecretKey decode(byte[] bytes, char[] passphraseOrNull, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new TrustException(where + ": not an ebpm key file");
        }
        if (root == null || !"ebpm-secret-key".equals(root.path("format").asText()) || root.path("version").asInt() != 1) {
            throw new TrustException(where + ": not an ebpm key file (format ebpm-secret-key, version 1)");
        }
        if (!PublicKey.ALGORITHM.equals(root.path("algorithm").asText())) {
            throw new TrustException(where + ": unsupported algorithm " + root.path("algorithm").asText());
        }
        byte[] pub = unb64(root, "public_key", where);
        String name = root.path("name").asText("");
        byte[] seed;
        String kdf = root.path("kdf").asText();
        switch (kdf) {
            case "none" -> seed = unb64(root, "secret", where);
            case "scrypt" -> {
                if (passphraseOrNull == null) throw new TrustException(where + " is protected by a passphrase; give --passphrase-file FILE (or EBPM_KEY_PASSPHRASE_FILE)");
                JsonNode s = root.path("scrypt");
                int n = s.path("n").asInt();
                int r = s.path("r").asInt();
                int p = s.path("p").asInt();
                if (n < 2 || n > (1 << 20) || (n & (n - 1)) != 0 || r < 1 || r > 32 || p < 1 || p > 16) {
                    throw new TrustException(where + ": scrypt parameters out of range");
                }
                if (!"aes-256-gcm".equals(root.path("cipher").asText())) throw new TrustException(where + ": unsupported cipher " + root.path("cipher").asText());
                byte[] k = derive(passphraseOrNull, unb64(s, "salt", where), n, r, p);
                try {
                    seed = gcm(false, k, unb64(root, "nonce", where), pub, unb64(root, "secret", where));
                } catch (InvalidCipherTextException e) {
                    throw new TrustException(where + ": wrong passphrase (or the key file was altered)");
                } finally {
                    Arrays.fill(k, (byte) 0);
                }
            }
            default -> throw new TrustException(where + ": unsupported key protection \"" + kdf + "\"");
        }
        if (seed.length != 32) throw new TrustException(where + ": secret key is not 32 bytes");
        SecretKey key = new SecretKey(seed, name);
        Arrays.fill(seed, (byte) 0);
        if (!Arrays.equals(key.publicKey().raw(), pub)) throw new TrustException(where + ": the secret key does not match its public key");
        return key;
    }

    private static JsonNode readTree(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TrustException(file + ": not an ebpm key file");
        }
    }

    private static byte[] derive(char[] passphrase, byte[] salt, int n, int r, int p) {
        byte[] pw = new String(passphrase).getBytes(StandardCharsets.UTF_8);
        try {
            return SCrypt.generate(pw, salt, n, r, p, 32);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in) throws InvalidCipherTextException {
        GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
        c.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        n += c.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(JsonNode n, String field, String where) {
        try {
            String s = n.path(field).asText(null);
            if (s == null) throw new TrustException(where + ": missing \"" + field + "\"");
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new TrustException(where + ": \"" + field + "\" is not base64");
        }
    }
}
