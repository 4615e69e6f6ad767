package dev.ebpm.cli.trust;

import dev.ebpm.cli.output.Json;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
@Command(name = "key", description = {"Manage your signing keys and the keys trusted per hub.", "", "Signing keys (yours) and trusted keys (whose signatures ebpm accepts, per hub)."},
        subcommands = {KeyCommand.Generate.class, KeyCommand.ListKeys.class, KeyCommand.Export.class, KeyCommand.Trust.class,
                KeyCommand.Revoke.class})
public final class KeyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", description = {"Create an Ed25519 signing key.", "", "Create an Ed25519 signing key: NAME.key (mode 0600) and NAME.pub in $EBPM_KEYS",
            "or <store>/keys/. The private key is sealed with a passphrase (scrypt + AES-256-GCM) unless --no-passphrase."})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--name", paramLabel = "N", description = "key name (default: default)") String name = Keys.DEFAULT_NAME;
        @Option(names = "--passphrase-file", paramLabel = "F", description = "read the passphrase from the first line of F") Path passFile;
        @Option(names = "--no-passphrase", description = "store the private key unencrypted (protected by file mode 0600 only)") boolean noPass;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            if (noPass && passFile != null) throw new UserError("--no-passphrase and --passphrase-file exclude each other");
            try (Session session = store.session()) {
                Keys keys = new Keys(session);
                if (Files.exists(keys.secretFile(name))) throw new UserError("key " + name + " already exists: " + keys.secretFile(name));
                char[] pass = noPass ? null : Passphrases.read(passFile, "passphrase for the new key " + name + ": ", true);
                SecretKey k = keys.generate(name, pass);
                System.out.println("generated key " + name + (pass == null ? " (no passphrase)" : " (passphrase-protected)"));
                System.out.println("  fingerprint: " + k.fingerprint().display());
                System.out.println("  private:     " + keys.secretFile(name));
                System.out.println("  public:      " + keys.publicFile(name));
            }
            return 0;
        }
    }

    @Command(name = "list", description = {"List your signing keys, trusted keys and revoked keys.", "", "Your signing keys, the keys trusted per hub (built-in and added), and revoked keys."})
    static final class ListKeys implements Callable<Integer> {
        @Mixin StoreOptions store;
        @Option(names = "--json", description = "Print JSON (the text columns' names as fields).") boolean json;

        @Override
        public Integer call() throws IOException {
            String fmt = "%-41s  %-12s  %-10s  %s%n";
            try (Session session = store.session()) {
                Keys keys = new Keys(session);
                if (json) {
                    Json.print(System.out, json(keys));
                    return 0;
                }
                System.out.println("signing keys (" + keys.directory() + "):");
                Map<String, PublicKey> own = keys.own();
                if (own.isEmpty()) System.out.println("  none (ebpm key generate)");
                for (var e : own.entrySet()) {
                    System.out.printf("  %-41s  %s%s%n", e.getValue().fingerprint().display(), e.getKey(), keys.sealed(e.getKey()) ? "" : " (no passphrase)");
                }
                System.out.println("trusted keys:");
                System.out.printf("  " + fmt, "FINGERPRINT", "FOR", "ORIGIN", "NAME");
                for (Keys.Listed e : keys.trusted()) {
                    System.out.printf("  " + fmt, e.fingerprint().display(), e.source() == null ? "-" : hub(e.source()),
                            e.revoked() ? "REVOKED" : e.origin(), e.keyOrNull() == null ? "" : e.keyOrNull().name());
                }
            }
            return 0;
        }

        private static Map<String, Object> json(Keys keys) throws IOException {
            List<Map<String, Object>> signing = new ArrayList<>();
            for (var e : keys.own().entrySet()) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("fingerprint", e.getValue().fingerprint().display());
                k.put("name", e.getKey());
                k.put("passphrase", keys.sealed(e.getKey()));
                signing.add(k);
            }
            List<Map<String, Object>> trusted = new ArrayList<>();
            for (Keys.Listed e : keys.trusted()) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("fingerprint", e.fingerprint().display());
                k.put("for", e.source() == null ? null : hub(e.source()));
                k.put("origin", e.origin());
                k.put("revoked", e.revoked());
                k.put("name", e.keyOrNull() == null ? null : e.keyOrNull().name());
                trusted.add(k);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("directory", keys.directory().toString());
            out.put("signing_keys", signing);
            out.put("trusted_keys", trusted);
            return out;
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
            try (Session session = store.session()) {
                Path pub = new Keys(session).publicFile(name);
                if (!Files.isRegularFile(pub)) throw new UserError("no key " + name + " in " + pub.getParent() + " (ebpm key list)");
                System.out.println(PublicKey.parse(Files.readString(pub)).toText());
            }
            return 0;
        }
    }

    @Command(name = "trust", description = {"Trust a key's signatures, for one hub or every source.", "", "Trust a key's signatures: of packages and of the index of hub H, or, without --hub,",
            "from every hub and for archives installed from files and URLs. KEY is a public key file (ebpm key export)",
            "or the fingerprint (or a unique prefix of 16+ hex digits) of a key this machine already knows."})
    static final class Trust implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|FINGERPRINT", description = "a public key file, or a known key's fingerprint") String what;
        @Option(names = "--hub", paramLabel = "H", description = "trust it for this hub only") String hub;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            try (Session session = store.session()) {
                PublicKey key = new Keys(session).trust(what, hub);
                System.out.println("trusted key " + key.fingerprint().display() + (key.name().isEmpty() ? "" : " (" + key.name() + ")")
                        + (hub == null ? " for every hub and for files/URLs" : " for hub " + hub));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = {"Revoke a key everywhere, built-in keys too.", "", "Revoke a key everywhere: its signatures are refused on install and on run,",
            "whoever trusted it (built-in keys too)."})
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "FINGERPRINT", description = "the key's fingerprint (or a unique prefix of 16+ hex digits)") String what;
        @Option(names = "--reason", paramLabel = "TEXT", description = "why, kept with the revocation and shown by ebpm key list") String reason;
        @Mixin StoreOptions store;

        @Override
        public Integer call() throws IOException {
            try (Session session = store.session()) {
                Keys.Revocation r = new Keys(session).revoke(what, reason);
                System.out.println((r.now() ? "revoked key " : "key already revoked: ") + r.fingerprint().display());
            }
            return 0;
        }
    }
}
