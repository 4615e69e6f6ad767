package dev.ebpm.core.trust;

import dev.ebpm.core.session.Session;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The key ring: the user's signing keys ({@code $EBPM_KEYS} or {@code <store>/keys/}: {@code NAME.key}, mode 0600, and
 * {@code NAME.pub}), the keys trusted per source and the revocations (in the store), and the installation's built-in
 * keys. {@link #ring()} is what every signature check of a session trusts.
 */
public final class Keys {
    public static final String DEFAULT_NAME = "default";

    /** Asks for a key's passphrase (the CLI reads a file or the terminal); null if none can be had. */
    @FunctionalInterface
    public interface Passphrases {
        char[] get(String prompt, boolean confirm);
    }

    /** A trusted or revoked key as {@code key list} shows it; {@code origin} is "built-in", "user", "tofu", ... */
    public record Listed(PublicKey keyOrNull, Fingerprint fingerprint, String source, String origin, boolean revoked) {}

    private final Session session;
    private final BuiltinKeys builtin;

    public Keys(Session session) {
        this.session = session;
        this.builtin = new BuiltinKeys(session.settings());
    }

    public BuiltinKeys builtin() {
        return builtin;
    }

    public Path directory() {
        return directory(session.storeRoot());
    }

    /** The signing keys' directory for the store at {@code storeRoot}: {@code $EBPM_KEYS}, else {@code <store>/keys}. */
    public static Path directory(Path storeRoot) {
        String env = System.getenv("EBPM_KEYS");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
        return storeRoot.resolve("keys");
    }

    public Path secretFile(String name) {
        checkName(name);
        return directory().resolve(name + ".key");
    }

    public Path publicFile(String name) {
        checkName(name);
        return directory().resolve(name + ".pub");
    }

    static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new TrustException("invalid key name \"" + name + "\": letters, digits, '.', '_', '-' (at most 64)");
        }
    }

    /** The user's own public keys, by name (files that are not keys are left out). */
    public Map<String, PublicKey> own() {
        Map<String, PublicKey> out = new TreeMap<>();
        Path dir = directory();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".pub")) continue;
                try {
                    out.put(n.substring(0, n.length() - 4), PublicKey.parse(Files.readString(p)));
                } catch (TrustException | IOException e) {
                    // not a key file: listings show keys only
                }
            }
        } catch (IOException e) {
            throw new TrustException("cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** True if the signing key {@code name} is sealed with a passphrase. */
    public boolean sealed(String name) throws IOException {
        return SecretKeyFile.isEncrypted(secretFile(name));
    }

    /** Makes a signing key: NAME.key (sealed with {@code passphraseOrNull} unless null) and NAME.pub. */
    public SecretKey generate(String name, char[] passphraseOrNull) throws IOException {
        Path secret = secretFile(name);
        if (Files.exists(secret)) throw new TrustException("key " + name + " already exists: " + secret);
        SecretKey k = SecretKey.generate(name);
        try {
            SecretKeyFile.write(k, passphraseOrNull, secret);
            Files.writeString(publicFile(name), k.publicKey().toText() + "\n");
        } catch (IOException e) {
            // the writes name no file when the disk is full: name the key directory
            if (dev.ebpm.pkg.FileErrors.isDiskFull(e)) throw new java.nio.file.FileSystemException(directory().toString(), null, e.getMessage());
            throw e;
        }
        return k;
    }

    /** Loads a signing key, asking {@code passphrases} if it is sealed. */
    public SecretKey loadSecret(String name, Passphrases passphrases) {
        Path f = secretFile(name);
        if (!Files.isRegularFile(f)) {
            throw new TrustException("no signing key " + name + " in " + directory() + " (create one: ebpm key generate --name " + name + ")");
        }
        try {
            char[] pass = null;
            if (SecretKeyFile.isEncrypted(f)) {
                pass = passphrases.get("passphrase for key " + name + ": ", false);
                if (pass == null) throw new TrustException("key " + name + " needs its passphrase and none was given: --passphrase-file FILE");
            }
            return SecretKeyFile.read(f, pass);
        } catch (IOException e) {
            throw new TrustException("cannot read " + f + ": " + e.getMessage());
        }
    }

    /**
     * What install and run trust: the store's keys and revocations over the built-in keys. Creates no store: without
     * one, the built-in keys alone.
     */
    public KeyRing ring() {
        Optional<LocalStore> store = session.existingStore();
        return store.map(s -> SimpleKeyRing.plus(s.trust().keyRing(), builtin.ring())).orElseGet(builtin::ring);
    }

    /** Every trusted key (built-in, then the store's) and every revocation, as {@code key list} shows them. */
    public List<Listed> trusted() {
        List<Listed> out = new ArrayList<>();
        Optional<LocalStore> store = session.existingStore();
        for (BuiltinKeys.Entry e : builtin.entries()) {
            boolean revoked = store.isPresent() && store.get().trust().revoked(e.key().fingerprint()).isPresent();
            out.add(new Listed(e.key(), e.key().fingerprint(), e.source(), "built-in", revoked));
        }
        if (store.isPresent()) {
            for (TrustedKeys.Entry e : store.get().trust().list()) {
                out.add(new Listed(e.key(), e.key().fingerprint(), e.source(), e.origin(), e.revoked()));
            }
            for (Fingerprint fp : store.get().trust().revokedOnly()) out.add(new Listed(null, fp, null, "revoked", true));
        }
        return out;
    }

    /** Trusts a key (a public key file, or the fingerprint of a key this machine knows) for {@code hubOrNull} (null: every source). */
    public PublicKey trust(String fileOrFingerprint, String hubOrNull) throws IOException {
        PublicKey key = resolve(fileOrFingerprint);
        session.store().trust().trust(key, hubOrNull == null ? KeyRing.ANY_SOURCE : hubOrNull, "user");
        return key;
    }

    /** Pins {@code key} for hub {@code hub}, as {@code origin} ("tofu" for trust on first use). */
    public void pin(PublicKey key, String hub, String origin) {
        session.store().trust().trust(key.withName("hub " + hub), hub, origin);
    }

    /** What {@link #revoke} did: {@code now} is false if the key was revoked already. */
    public record Revocation(Fingerprint fingerprint, boolean now) {}

    /** Revokes a key everywhere: a full fingerprint, or a known key's (prefix of its) fingerprint. */
    public Revocation revoke(String fingerprint, String reason) throws IOException {
        String norm = Fingerprint.normalize(fingerprint);
        Fingerprint fp = norm.length() == 64 ? new Fingerprint(norm) : resolve(fingerprint).fingerprint();
        return new Revocation(fp, session.store().trust().revoke(fp, reason));
    }

    /** A public key file, or a fingerprint (a unique prefix of 16+ hex digits) among the keys this machine knows. */
    public PublicKey resolve(String what) throws IOException {
        Path p = Path.of(what);
        if (Files.isRegularFile(p)) {
            try {
                return PublicKey.parse(Files.readString(p));
            } catch (TrustException e) {
                throw new TrustException(p + ": " + e.getMessage());
            }
        }
        String prefix = Fingerprint.normalize(what);
        if (prefix.length() < 16) throw new TrustException("give at least 16 hex digits of the fingerprint (or a public key file)");
        Map<Fingerprint, PublicKey> hits = new LinkedHashMap<>();
        for (PublicKey k : known()) if (k.fingerprint().matches(prefix)) hits.putIfAbsent(k.fingerprint(), k);
        if (hits.isEmpty()) {
            throw new TrustException("no known key has fingerprint " + what + "; get the signer's public key file (ebpm key export) and pass its path");
        }
        if (hits.size() > 1) throw new TrustException("fingerprint " + what + " matches " + hits.size() + " keys; give more digits");
        return List.copyOf(hits.values()).get(0);
    }

    /** What {@link #signArchive} wrote: the package signed, by which key, and where the signature is. */
    public record Signed(String packageId, Fingerprint key, Path signature) {}

    /** Signs an archive's manifest (which lists every file's digest) with key {@code name}; writes ARCHIVE.sig atomically. */
    public Signed signArchive(Path archive, String name, Passphrases passphrases) throws IOException {
        if (!Files.isRegularFile(archive)) throw new TrustException("no such file: " + archive);
        dev.ebpm.pkg.UnpackedPackage pkg;
        try (java.io.InputStream in = Files.newInputStream(archive)) {
            pkg = dev.ebpm.pkg.PackageArchive.unpack(in);
        }
        SecretKey k = loadSecret(name, passphrases);
        Path out = Path.of(archive + dev.ebpm.pkg.trust.SignatureEnvelope.SUFFIX);
        dev.ebpm.pkg.AtomicFiles.replace(out, dev.ebpm.pkg.trust.SignatureEnvelope.sign(k, pkg.manifest(), pkg.manifestJson()).toJson());
        return new Signed(pkg.manifest().id(), k.fingerprint(), out);
    }

    /** Every public key this machine knows (own, built-in, trusted), to resolve a fingerprint typed by the user. */
    private List<PublicKey> known() {
        List<PublicKey> all = new ArrayList<>(own().values());
        for (BuiltinKeys.Entry e : builtin.entries()) all.add(e.key());
        session.existingStore().ifPresent(s -> s.trust().list().forEach(e -> all.add(e.key())));
        return all;
    }
}
