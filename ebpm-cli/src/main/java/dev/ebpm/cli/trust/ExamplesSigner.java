package dev.ebpm.cli.trust;

import dev.ebpm.cli.run.BundledExamples;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.Digests;
import dev.ebpm.registry.DirectoryHub;
import dev.ebpm.registry.HubConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs the embedded examples hub with a key made on this machine, so a fresh store installs from it at once and
 * nothing is committed but sources. The key is {@code build/trust/examples-hub.key} (beside {@link BuiltinKeys#file()},
 * mode 0600, no passphrase), made on first use, and its public half is written to the built-in keys file for source
 * {@value HubConfig#EXAMPLES}. The examples hub's builder ({@link #buildAndSign}) builds an example from source when
 * its sources changed and writes {@code examples/NAME/ebpm.sig} over the manifest {@link DirectoryHub} serves for it.
 * Only what it built itself gets signed: an artifact it finds unsigned, or not matching its signature, is rebuilt from
 * source first. A user who cannot read the key (not the one who built) is served the signatures already there.
 */
public final class ExamplesSigner {
    public static final String KEY_FILE = "examples-hub.key";

    private ExamplesSigner() {
    }

    /** The examples hub's builder: builds {@code dir} if needed and makes sure its ebpm.sig covers what the hub will serve. */
    public static Path buildAndSign(Path dir) {
        boolean built = BundledExamples.needsBuild(dir);
        Path file = BundledExamples.buildIfNeeded(dir);
        SecretKey key = key();
        if (key == null || !PackageName.isValid(dir.getFileName().toString())) return file;
        PackageName name = PackageName.parse(dir.getFileName().toString());
        try {
            UnpackedPackage pkg = DirectoryHub.packageAt(dir, name, file);
            Path sig = dir.resolve(DirectoryHub.SIGNATURE_FILE);
            if (signs(sig, key, pkg)) return file;
            if (!built && BundledExamples.hasSources(dir)) {
                // never vouch for an artifact this process did not make: build it again from source
                file = BundledExamples.build(dir);
                pkg = DirectoryHub.packageAt(dir, name, file);
            }
            replace(sig, SignatureEnvelope.sign(key, pkg.manifest(), pkg.manifestJson()).toJson());
        } catch (IOException e) {
            System.err.println("ebpm: warning: cannot sign example " + name + ": " + e.getMessage());
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
            return false;
        }
    }

    /** The machine's examples key, made (with its built-in keys line) if there is none; null if unavailable to this user. */
    static synchronized SecretKey key() {
        Path keys = BuiltinKeys.file();
        if (keys == null) return null;
        Path f = keys.resolveSibling(KEY_FILE);
        try {
            if (!Files.exists(f)) {
                try {
                    SecretKeyFile.write(SecretKey.generate("examples-hub"), null, f);
                } catch (TrustException e) {
                    // made by another process a moment ago
                }
            }
            if (!Files.isReadable(f)) return null;
            SecretKey k = SecretKeyFile.read(f, null);
            trustBuiltIn(keys, k.publicKey());
            return k;
        } catch (IOException | TrustException e) {
            return null;
        }
    }

    /** Makes the built-in keys file trust {@code pub} for the examples hub (and no other key for it). */
    private static void trustBuiltIn(Path keys, PublicKey pub) throws IOException {
        String line = HubConfig.EXAMPLES + " " + pub.toText();
        List<String> lines = Files.isRegularFile(keys) ? Files.readAllLines(keys, StandardCharsets.UTF_8) : List.of();
        if (lines.contains(line)) return;
        List<String> out = new ArrayList<>();
        out.add("# keys this build trusts; written by ebpm (docs/trust.md, \"The embedded hub's key\")");
        for (String l : lines) {
            if (!l.startsWith("#") && !l.startsWith(HubConfig.EXAMPLES + " ") && !l.isBlank()) out.add(l);
        }
        out.add(line);
        replace(keys, (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void replace(Path target, byte[] bytes) throws IOException {
        dev.ebpm.pkg.AtomicFiles.replace(target, bytes);
        target.toFile().setReadable(true, false); // the signatures and built-in keys are for every user to read
    }
}
