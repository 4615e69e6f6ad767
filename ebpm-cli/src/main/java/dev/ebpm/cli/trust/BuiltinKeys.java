package dev.ebpm.cli.trust;

import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys that come with the build rather than the store, so a fresh store trusts the embedded hub at once. The file
 * is named by the {@code ebpm.trust.builtin} system property (the launcher passes {@code build/trust/builtin-keys}) or
 * {@code EBPM_BUILTIN_KEYS}, else it is {@code build/trust/builtin-keys} of the checkout whose {@code examples/} the CLI
 * serves; one key per line: {@code SOURCE ebpm-ed25519 BASE64 NAME}. {@link ExamplesSigner} writes the examples hub's
 * line when it makes the machine's examples key. A revocation in the store overrides a built-in key.
 */
public final class BuiltinKeys {
    public record Entry(String source, PublicKey key) {}

    private BuiltinKeys() {
    }

    public static final String FILE_NAME = "builtin-keys";

    public static Path file() {
        String p = System.getProperty("ebpm.trust.builtin", System.getenv("EBPM_BUILTIN_KEYS"));
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath();
        // the build that serves examples/ vouches for them: <checkout>/build/trust/builtin-keys
        return dev.ebpm.cli.run.BundledExamples.directory()
                .map(d -> d.toAbsolutePath().normalize().getParent())
                .map(root -> root.resolve("build").resolve("trust").resolve(FILE_NAME))
                .orElse(null);
    }

    public static List<Entry> entries() {
        Path f = file();
        List<Entry> out = new ArrayList<>();
        if (f == null || !Files.isRegularFile(f)) return out;
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
        return out;
    }

    /**
     * The built-in keys as a ring read when asked, not when made: the examples hub's key may be made by the fetch
     * that comes between a command taking its ring and verifying a package.
     */
    public static KeyRing ring() {
        return new KeyRing() {
            @Override
            public java.util.Collection<PublicKey> trustedFor(String source) {
                SimpleKeyRing r = new SimpleKeyRing();
                for (Entry e : entries()) r.trust(e.source(), e.key());
                return r.trustedFor(source);
            }

            @Override
            public java.util.Optional<String> revocation(dev.ebpm.pkg.trust.Fingerprint key) {
                return java.util.Optional.empty();
            }
        };
    }
}
