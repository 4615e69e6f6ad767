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
 * is named by the {@code ebpm.trust.builtin} system property (the launcher passes {@code build/trust/builtin-keys},
 * written by {@code scripts/sign-examples.sh}) or {@code EBPM_BUILTIN_KEYS}; one key per line:
 * {@code SOURCE ebpm-ed25519 BASE64 NAME}. A revocation in the store overrides a built-in key.
 */
public final class BuiltinKeys {
    public record Entry(String source, PublicKey key) {}

    private BuiltinKeys() {
    }

    public static Path file() {
        String p = System.getProperty("ebpm.trust.builtin", System.getenv("EBPM_BUILTIN_KEYS"));
        return p == null || p.isBlank() ? null : Path.of(p);
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

    public static KeyRing ring() {
        SimpleKeyRing r = new SimpleKeyRing();
        for (Entry e : entries()) r.trust(e.source(), e.key());
        return r;
    }
}
