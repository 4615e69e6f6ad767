package dev.ebpm.core.trust;

import dev.ebpm.core.session.Settings;
import dev.ebpm.pkg.trust.Fingerprint;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Keys trusted out of the box, without the store, so a fresh store trusts the embedded hub at once. Two sources:
 * <ul>
 *   <li>the keys file the installation ships ({@link Settings#builtinKeys()}): one key per line,
 *       {@code SOURCE ebpm-ed25519 BASE64 NAME}; a packaged release lists its release key there for {@code examples};</li>
 *   <li>the configuration's examples key ({@value #EXAMPLES_KEY}{@code .pub} in the config directory), trusted for
 *       {@code examples} only: made once by the examples signer, it signs the examples this installation builds from
 *       source, and stays when a checkout of ebpm is replaced or cleaned.</li>
 * </ul>
 * A revocation in the store overrides a built-in key.
 */
public final class BuiltinKeys {
    /** The name of the configuration's examples key: {@code examples-hub.key} (0600) and {@code examples-hub.pub}. */
    public static final String EXAMPLES_KEY = "examples-hub";
    /** The built-in examples hub's name (its packages are qualified {@code examples/NAME}). */
    public static final String EXAMPLES_HUB = "examples";

    public record Entry(String source, PublicKey key) {}

    private final Optional<Path> file;
    private final Path configDir;

    public BuiltinKeys(Settings settings) {
        this.file = settings.builtinKeys();
        this.configDir = settings.directories().config();
    }

    /** The configuration's examples signing key (no passphrase, mode 0600). */
    public Path examplesSecretKey() {
        return configDir.resolve(EXAMPLES_KEY + ".key");
    }

    /** The public half of {@link #examplesSecretKey()}, which this ring trusts for the examples hub. */
    public Path examplesPublicKey() {
        return configDir.resolve(EXAMPLES_KEY + ".pub");
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (file.isPresent() && Files.isRegularFile(file.get())) {
            Path f = file.get();
            try {
                for (String line : Files.readAllLines(f)) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) continue;
                    int sp = l.indexOf(' ');
                    if (sp < 0) throw new TrustException(f + ": malformed line \"" + l + "\"");
                    out.add(new Entry(l.substring(0, sp), PublicKey.parse(l.substring(sp + 1))));
                }
            } catch (IOException e) {
                throw new TrustException("cannot read built-in keys " + f + ": " + e.getMessage());
            }
        }
        Path examples = examplesPublicKey();
        if (Files.isRegularFile(examples)) {
            try {
                out.add(new Entry(EXAMPLES_HUB, PublicKey.parse(Files.readString(examples).strip())));
            } catch (IOException | TrustException e) {
                throw new TrustException("cannot read the examples key " + examples + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * The built-in keys as a ring read when asked, not when made: the examples key may be made by the fetch that comes
     * between a command taking its ring and verifying a package.
     */
    public KeyRing ring() {
        return new KeyRing() {
            @Override
            public Collection<PublicKey> trustedFor(String source) {
                SimpleKeyRing r = new SimpleKeyRing();
                for (Entry e : entries()) r.trust(e.source(), e.key());
                return r.trustedFor(source);
            }

            @Override
            public Optional<String> revocation(Fingerprint key) {
                return Optional.empty();
            }
        };
    }
}
