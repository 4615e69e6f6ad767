package dev.ebpm.cli.trust;

import dev.ebpm.cli.UserError;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.store.LocalStore;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where keys live and how commands reach them: the user's signing keys in {@code $EBPM_KEYS} or {@code <store>/keys/}
 * ({@code NAME.key}, 0600, and {@code NAME.pub}); the keys trusted per source in the store; and the built-in keys that
 * come with the build ({@link BuiltinKeys}).
 */
public final class Keys {
    public static final String DEFAULT_NAME = "default";

    private Keys() {
    }

    public static Path directory(Path storeRoot) {
        String env = System.getenv("EBPM_KEYS");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
        return storeRoot.resolve("keys");
    }

    public static Path secretFile(Path dir, String name) {
        checkName(name);
        return dir.resolve(name + ".key");
    }

    public static Path publicFile(Path dir, String name) {
        checkName(name);
        return dir.resolve(name + ".pub");
    }

    static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new UserError("invalid key name \"" + name + "\": letters, digits, '.', '_', '-' (at most 64)");
        }
    }

    /** The user's own public keys, by name. */
    public static Map<String, PublicKey> own(Path dir) {
        Map<String, PublicKey> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".pub")) continue;
                try {
                    out.put(n.substring(0, n.length() - 4), PublicKey.parse(Files.readString(p)));
                } catch (TrustException | IOException e) {
                    // not a key: ignore in listings
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** Loads a signing key; asks for its passphrase (file, EBPM_KEY_PASSPHRASE_FILE, or the terminal) if it has one. */
    public static SecretKey loadSecret(Path dir, String name, Path passphraseFileOrNull) {
        Path f = secretFile(dir, name);
        if (!Files.isRegularFile(f)) {
            throw new UserError("no signing key " + name + " in " + dir + " (create one: ebpm key generate --name " + name + ")");
        }
        try {
            char[] pass = null;
            if (SecretKeyFile.isEncrypted(f)) pass = passphrase(passphraseFileOrNull, "passphrase for key " + name + ": ", false);
            return SecretKeyFile.read(f, pass);
        } catch (IOException e) {
            throw new UserError("cannot read " + f + ": " + e.getMessage());
        }
    }

    /** Reads a passphrase from a file (first line), EBPM_KEY_PASSPHRASE_FILE, or the terminal; null if none available. */
    static char[] passphrase(Path fileOrNull, String prompt, boolean confirm) {
        Path f = fileOrNull;
        if (f == null && System.getenv("EBPM_KEY_PASSPHRASE_FILE") != null) f = Path.of(System.getenv("EBPM_KEY_PASSPHRASE_FILE"));
        if (f != null) {
            try {
                String s = Files.readString(f, StandardCharsets.UTF_8).lines().findFirst().orElse("");
                if (s.isEmpty()) throw new UserError("passphrase file " + f + " is empty");
                return s.toCharArray();
            } catch (IOException e) {
                throw new UserError("cannot read passphrase file " + f + ": " + e.getMessage());
            }
        }
        Console c = System.console();
        if (c == null) throw new UserError("a passphrase is needed and there is no terminal: give --passphrase-file FILE");
        char[] p = c.readPassword(prompt);
        if (p == null || p.length == 0) throw new UserError("empty passphrase");
        if (confirm && !new String(p).equals(new String(c.readPassword("again: ")))) throw new UserError("the passphrases differ");
        return p;
    }

    /** What install and run trust: the store's keys and revocations over the build's built-in keys. */
    public static KeyRing ring(LocalStore store) {
        KeyRing stored = store.trust().keyRing();
        return SimpleKeyRing.plus(stored, BuiltinKeys.ring());
    }

    /**
     * What {@code ebpm run} of a hub package trusts when it may not create a store: the store's keys if there is a
     * store at {@code storeRoot}, else the built-in keys alone.
     */
    public static KeyRing ring(Path storeRoot) {
        if (storeRoot == null || !Files.isRegularFile(storeRoot.resolve(LocalStore.DATABASE))) return BuiltinKeys.ring();
        try (LocalStore s = LocalStore.open(storeRoot)) {
            return SimpleKeyRing.plus(s.trust().keyRing(), BuiltinKeys.ring());
        }
    }

    /** Every public key this machine knows (own, built-in, trusted), to resolve a fingerprint typed by the user. */
    public static List<PublicKey> known(LocalStore store, Path keysDir) {
        List<PublicKey> all = new ArrayList<>(own(keysDir).values());
        for (BuiltinKeys.Entry e : BuiltinKeys.entries()) all.add(e.key());
        for (var e : store.trust().list()) all.add(e.key());
        return all;
    }
}
