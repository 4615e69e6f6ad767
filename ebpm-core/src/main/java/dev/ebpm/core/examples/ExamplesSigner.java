package dev.ebpm.core.examples;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.BuiltinKeys;
import dev.ebpm.pkg.AtomicFiles;
import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.UnpackedPackage;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.registry.hubs.DirectoryHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Signs the embedded examples hub with the configuration's examples key, so a fresh store installs from it at once and
 * nothing is committed but sources. The key ({@link BuiltinKeys#examplesSecretKey()}, mode 0600, no passphrase, with
 * its public half beside it, which {@link BuiltinKeys} trusts for the examples hub) is made once per configuration
 * directory: a second checkout of ebpm, {@code git clean} or an upgrade keep it, and what was installed keeps verifying.
 * The examples hub's builder ({@link #buildAndSign}) builds an example into the cache ({@link SourceBuilder}) and
 * writes {@code ebpm.sig} beside the artifact there, over the manifest {@link DirectoryHub} serves for it: the
 * examples directory itself is never written. Only what it built itself gets signed: an artifact it finds unsigned, or
 * not matching its signature, is rebuilt from source first. An example without sources (a release's, built and signed
 * at release time) is served as it is.
 */
public final class ExamplesSigner {
    private final Session session;
    private final SourceBuilder builder;
    private final BuiltinKeys builtin;

    public ExamplesSigner(Session session, BuiltinKeys builtin) {
        this.session = session;
        this.builder = new SourceBuilder(session);
        this.builtin = builtin;
    }

    /** The examples hub's builder: the artifact to serve for {@code dir}, with an ebpm.sig beside it that covers it. */
    public Path buildAndSign(Path dir) {
        if (!SourceBuilder.hasSources(dir)) return SourceBuilder.ownArtifact(dir);
        String dirName = dir.getFileName().toString();
        Optional<SecretKey> key = PackageName.isValid(dirName) ? key() : Optional.empty();
        return builder.withBuild(dir, build -> {
            Path file = build.artifact();
            if (key.isEmpty()) return file;
            PackageName name = PackageName.parse(dirName);
            try {
                UnpackedPackage pkg = DirectoryHub.packageAt(dir, name, file);
                Path sig = file.resolveSibling(PackageManifest.SIGNATURE_FILE);
                if (signs(sig, key.get(), pkg)) return file;
                if (!build.madeNow()) {
                    // never vouch for an artifact this process did not make: build it again from source
                    file = build.rebuild();
                    pkg = DirectoryHub.packageAt(dir, name, file);
                }
                AtomicFiles.replace(sig, SignatureEnvelope.sign(key.get(), pkg.manifest(), pkg.manifestJson()).toJson());
            } catch (IOException e) {
                session.warn("cannot sign example " + name + ": " + e.getMessage());
            }
            return file;
        });
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
     * The configuration's examples key, made (with its public half) if there is none; empty, with a warning, when it
     * cannot be made or read (a configuration directory this user cannot write).
     */
    private Optional<SecretKey> key() {
        Path secret = builtin.examplesSecretKey();
        Path pub = builtin.examplesPublicKey();
        synchronized (ExamplesSigner.class) {
            try {
                if (!Files.exists(secret)) {
                    try {
                        SecretKeyFile.write(SecretKey.generate(BuiltinKeys.EXAMPLES_KEY), null, secret);
                    } catch (TrustException e) {
                        // made by another process a moment ago
                    }
                }
                SecretKey k = SecretKeyFile.read(secret, null);
                writePublicHalf(pub, k.publicKey());
                return Optional.of(k);
            } catch (IOException | UncheckedIOException | TrustException e) {
                session.warn("cannot use the examples key " + secret + ": " + e.getMessage() + "; the examples are served unsigned");
                return Optional.empty();
            }
        }
    }

    /** Writes the public half the key ring trusts, unless it is there already (a crash may have left only the key). */
    private static void writePublicHalf(Path pub, PublicKey key) throws IOException {
        byte[] line = (key.toText() + "\n").getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(pub) && java.util.Arrays.equals(Files.readAllBytes(pub), line)) return;
        AtomicFiles.replace(pub, line);
        pub.toFile().setReadable(true, false); // a public key, for anyone who wants to trust this configuration's examples
    }
}
