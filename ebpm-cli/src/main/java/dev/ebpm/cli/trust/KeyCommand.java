package dev.ebpm.cli.trust;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.store.StoreOptions;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm key generate|list|export|trust|revoke}. */
@Command(name = "key", description = "Signing keys (yours) and trusted keys (whose signatures ebpm accepts, per hub).",
        subcommands = {KeyCommand.Generate.class, KeyCommand.ListKeys.class, KeyCommand.Export.class, KeyCommand.Trust.class,
                KeyCommand.Revoke.class})
public final class KeyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", description = {"Create an Ed25519 signing key: NAME.key (mode 0600) and NAME.pub in $EBPM_KEYS",
            "or <store>/keys/. The private key is sealed with a passphrase (scrypt + AES-256-GCM) unless --no-passphrase."})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--name", paramLabel = "N", description = "key name (default: default)") String name = Keys.DEFAULT_NAME;
        @Option(names = "--passphrase-file", paramLabel = "F", description = "read the passphrase from the first line of F") Path passFile;
        @Option(names = "--no-passphrase", description = "store the private key unencrypted (protected by file mode 0600 only)") boolean noPass;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            if (noPass && passFile != null) throw new UserError("--no-passphrase and --passphrase-file exclude each other");
            Path dir = Keys.directory(store.root());
            Path secret = Keys.secretFile(dir, name);
            if (Files.exists(secret)) throw new UserError("key " + name + " already exists: " + secret);
            char[] pass = noPass ? null : Keys.passphrase(passFile, "passphrase for the new key " + name + ": ", true);
            SecretKey k = SecretKey.generate(name);
            SecretKeyFile.write(k, pass, secret);
            Files.writeString(Keys.publicFile(dir, name), k.publicKey().toText() + "\n");
            System.out.println("generated key " + name + (pass == null ? " (no passphrase)" : " (passphrase-protected)"));
            System.out.println("  fingerprint: " + k.fingerprint().display());
            System.out.println("  private:     " + secret);
            System.out.println("  public:      " + Keys.publicFile(dir, name));
            return 0;
        }
    }

    @Command(name = "list", description = "Your signing keys, the keys trusted per hub (built-in and added), and revoked keys.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin StoreOptions store;

        @Override
        public Integer call() {
            Path dir = Keys.directory(store.root());
            String fmt = "%-41s  %-12s  %-10s  %s%n";
            try (LocalStore s = store.open()) {
                var trusted = s.trust().list();
                System.out.println("signing keys (" + dir + "):");
                Map<String, PublicKey> own = Keys.own(dir);
                if (own.isEmpty()) System.out.println("  none (ebpm key generate)");
                for (var e : own.entrySet()) {
                    boolean sealed;
                    try {
                        sealed = SecretKeyFile.isEncrypted(Keys.secretFile(dir, e.getKey()));
                    } catch (IOException ex) {
                        sealed = false;
                    }
                    System.out.printf("  %-41s  %s%s%n", e.getValue().fingerprint().display(), e.getKey(), sealed ? "" : " (no passphrase)");
                }
                System.out.println("trusted keys:");
                System.out.printf("  " + fmt, "FINGERPRINT", "FOR", "ORIGIN", "NAME");
                for (BuiltinKeys.Entry e : BuiltinKeys.entries()) {
                    boolean revoked = s.trust().revoked(e.key().fingerprint()).isPresent();
                    System.out.printf("  " + fmt, e.key().fingerprint().display(), hub(e.source()), revoked ? "REVOKED" : "built-in", e.key().name());
                }
                for (TrustedKeys.Entry e : trusted) {
                    System.out.printf("  " + fmt, e.key().fingerprint().display(), hub(e.source()), e.revoked() ? "REVOKED" : e.origin(), e.key().name());
                }
                for (Fingerprint fp : s.trust().revokedOnly()) {
                    System.out.printf("  " + fmt, fp.display(), "-", "REVOKED", "");
                }
            }
            return 0;
        }

        private static String hub(String source) {
            return KeyRing.ANY_SOURCE.equals(source) ? "any source" : source;
        }
    }

    @Command(name = "export", description = "Print a public key (one line, for `ebpm key trust` and hub admins).")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "key name (default: default)") String name = Keys.DEFAULT_NAME;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            Path pub = Keys.publicFile(Keys.directory(store.root()), name);
            if (!Files.isRegularFile(pub)) throw new UserError("no key " + name + " in " + pub.getParent() + " (ebpm key list)");
            System.out.println(PublicKey.parse(Files.readString(pub)).toText());
            return 0;
        }
    }

    @Command(name = "trust", description = {"Trust a key's signatures: of packages and of the index of hub H, or, without --hub,",
            "from every hub and for archives installed from files and URLs. KEY is a public key file (ebpm key export)",
            "or the fingerprint (or a unique prefix of 16+ hex digits) of a key this machine already knows."})
    static final class Trust implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|FINGERPRINT") String what;
        @Option(names = "--hub", paramLabel = "H", description = "trust it for this hub only") String hub;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            try (LocalStore s = store.open()) {
                PublicKey key = resolve(s, Keys.directory(store.root()), what);
                String source = hub == null ? KeyRing.ANY_SOURCE : hub;
                s.trust().trust(key, source, "user");
                System.out.println("trusted key " + key.fingerprint().display() + (key.name().isEmpty() ? "" : " (" + key.name() + ")")
                        + (hub == null ? " for every hub and for files/URLs" : " for hub " + hub));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = {"Revoke a key everywhere: its signatures are refused on install and on run,",
            "whoever trusted it (built-in keys too)."})
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "FINGERPRINT") String what;
        @Option(names = "--reason", paramLabel = "TEXT") String reason;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            try (LocalStore s = store.open()) {
                Fingerprint fp;
                String norm = Fingerprint.normalize(what);
                if (norm.length() == 64) {
                    fp = new Fingerprint(norm);
                } else {
                    fp = resolve(s, Keys.directory(store.root()), what).fingerprint();
                }
                boolean now = s.trust().revoke(fp, reason);
                System.out.println((now ? "revoked key " : "key already revoked: ") + fp.display());
            }
            return 0;
        }
    }

    /** A public key file, or a fingerprint (prefix) among the keys this machine knows. */
    static PublicKey resolve(LocalStore s, Path keysDir, String what) throws IOException {
        Path p = Path.of(what);
        if (Files.isRegularFile(p)) {
            try {
                return PublicKey.parse(Files.readString(p));
            } catch (TrustException e) {
                throw new UserError(p + ": " + e.getMessage());
            }
        }
        String prefix = Fingerprint.normalize(what);
        if (prefix.length() < 16) throw new UserError("give at least 16 hex digits of the fingerprint (or a public key file)");
        Map<Fingerprint, PublicKey> hits = new LinkedHashMap<>();
        for (PublicKey k : Keys.known(s, keysDir)) if (k.fingerprint().matches(prefix)) hits.putIfAbsent(k.fingerprint(), k);
        if (hits.isEmpty()) {
            throw new UserError("no known key has fingerprint " + what + "; get the signer's public key file (ebpm key export) and pass its path");
        }
        if (hits.size() > 1) throw new UserError("fingerprint " + what + " matches " + hits.size() + " keys; give more digits");
        return List.copyOf(hits.values()).get(0);
    }
}
