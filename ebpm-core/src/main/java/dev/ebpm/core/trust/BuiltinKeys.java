package dev.ebpm.core.trust;

import dev.ebpm.core.session.SafeOwnership;
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
 * Keys that come with the installation rather than the store, so a fresh store trusts the embedded hub at once: one key
 * per line, {@code SOURCE ebpm-ed25519 BASE64 NAME}, in the file {@link dev.ebpm.core.session.Settings#builtinKeys()}
 * names. The examples signer writes the examples hub's line when it makes the machine's examples key. A revocation in
 * the store overrides a built-in key.
 */
public final class BuiltinKeys {
    public record Entry(String source, PublicKey key) {}

    private final Optional<Path> file;

    public BuiltinKeys(Optional<Path> file) {
        this.file = file;
    }

    public Optional<Path> file() {
        return file;
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (file.isEmpty() || !Files.isRegularFile(file.get())) return out;
        Path f = file.get();
        SafeOwnership.checkInstallationFile(f, "the built-in keys file", "-Debpm.trust.builtin or EBPM_BUILTIN_KEYS");
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
     * The built-in keys as a ring read when asked, not when made: the examples hub's key may be made by the fetch that
     * comes between a command taking its ring and verifying a package.
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
