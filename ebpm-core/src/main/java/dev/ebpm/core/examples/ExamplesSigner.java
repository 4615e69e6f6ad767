package dev.ebpm.core.examples;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.BuiltinKeys;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.registry.hubs.DirectoryHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signs the embedded examples hub with a key made on this machine, so a fresh store installs from it at once and nothing
 * is committed but sources. The key is {@value #KEY_FILE} beside the built-in keys file (mode 0600, no passphrase), made
 * on first use, and its public half is written to the built-in keys file for the examples hub. The examples hub's
 * builder ({@link #buildAndSign}) builds an example from source when its sources changed and writes
 * {@code examples/NAME/ebpm.sig} over the manifest {@link DirectoryHub} serves for it. Only what it built itself gets
 * signed: an artifact it finds unsigned, or not matching its signature, is rebuilt from source first. A user who cannot
 * read the key (not the one who built) is served the signatures already there.
 */
public final class ExamplesSigner {
    public static final String KEY_FILE = "examples-hub.key";
    /** The built-in examples hub's name (its packages are qualified {@code examples/NAME}). */
    public static final String EXAMPLES_HUB = "examples";

    private final Session session;
    private final SourceBuilder builder;
    private final BuiltinKeys builtin;

    public ExamplesSigner(Session session, BuiltinKeys builtin) {
        this.session = session;
        this.builder = new SourceBuilder(session);
        this.builtin = builtin;
    }

    /** The examples hub's builder: builds {@code dir} if needed and makes sure its ebpm.sig covers what the hub will serve. */
    public Path buildAndSign(Path dir) {
        boolean built = SourceBuilder.needsBuild(dir);
        Path file = builder.buildIfNeeded(dir);
        Optional<SecretKey> key = key();
        if (key.isEmpty() || !PackageName.isValid(dir.getFileName().toString())) return file;
        PackageName name = PackageName.parse(dir.getFileName().toString());
        try {
            UnpackedPackage pkg = DirectoryHub.packageAt(dir, name, file);
            Path sig = dir.resolve(DirectoryHub.SIGNATURE_FILE);
            if (signs(sig, key.get(), pkg)) return file;
            if (!built && SourceBuilder.hasSources(dir)) {
                // never vouch for an artifact this process did not make: build it again from source
                file = builder.build(dir);
                pkg = DirectoryHub.packageAt(dir, name, file);
            }
            replace(sig, SignatureEnvelope.sign(key.get(), pkg.manifest(), pkg.manifestJson()).toJson());
        } catch (IOException e) {
            session.warn("cannot sign example " + name + ": " + e.getMessage());
        }
        return file;
    }

    /** True if {@code sig} is {@code key}'s signature of exactly {@code pkg}'s manifest. */
    private static boolean signs(Path sig, SecretKey key, UnpackedPackage pkg) {
        if (!Files.isRegularFile(sig)) return false;
        try {
            SignatureEnvelope env = SignatureEnvelope.parse(Files.readAllBytes(sig));
            return env.key().equals(key.fingerprint()) && env.name().equals(pkg.manifest().name().value())
                    && env.version().equals(pkg.manifest().version().toString())
                    && env.manifestSha256().equals(Digests.sha256Hex(pkg.manifestJson()))
                    && key.publicKey().verifies(env.signedMessage(), env.signature());
        } catch (IOException | TrustException e) {
            return false; // unreadable or not ours: it gets replaced
        }
    }

    /**
     * The machine's examples key, made (with its built-in keys line) if there is none; empty when this user cannot read
     * it (another user built the examples) or the installation names no built-in keys file.
     */
    private Optional<SecretKey> key() {
        if (builtin.file().isEmpty()) return Optional.empty();
        Path keys = builtin.file().get();
        Path f = keys.resolveSibling(KEY_FILE);
        synchronized (ExamplesSigner.class) {
            try {
                if (!Files.exists(f)) {
                    try {
                        SecretKeyFile.write(SecretKey.generate("examples-hub"), null, f);
                    } catch (TrustException e) {
                        // made by another process a moment ago
                    }
                }
                if (!Files.isReadable(f)) return Optional.empty();
                SecretKey k = SecretKeyFile.read(f, null);
                trustBuiltIn(keys, k.publicKey());
                return Optional.of(k);
            } catch (IOException e) {
                session.warn("cannot use the examples key " + f + ": " + e.getMessage() + "; the examples stay as they are signed");
                return Optional.empty();
            }
        }
    }

    /** Makes the built-in keys file trust {@code pub} for the examples hub (and no other key for it). */
    private static void trustBuiltIn(Path keys, PublicKey pub) throws IOException {
        String line = EXAMPLES_HUB + " " + pub.toText();
        List<String> lines = Files.isRegularFile(keys) ? Files.readAllLines(keys, StandardCharsets.UTF_8) : List.of();
        if (lines.contains(line)) return;
        List<String> out = new ArrayList<>();
        out.add("# keys this build trusts; written by ebpm (docs/trust.md, \"The embedded hub's key\")");
        for (String l : lines) {
            if (!l.startsWith("#") && !l.startsWith(EXAMPLES_HUB + " ") && !l.isBlank()) out.add(l);
        }
        out.add(line);
        replace(keys, (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void replace(Path target, byte[] bytes) throws IOException {
        AtomicFiles.replace(target, bytes);
        target.toFile().setReadable(true, false); // the signatures and built-in keys are for every user to read
    }
}
