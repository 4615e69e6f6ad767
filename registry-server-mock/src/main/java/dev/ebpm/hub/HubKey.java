package dev.ebpm.hub;

import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.TrustException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hub's signing key, {@code DATA/hub.key} (mode 0600, no passphrase: the server signs unattended), made on first
 * start. It signs the index ({@code /index.json.sig}); clients pin its public half ({@code /hub.pub}).
 */
final class HubKey {
    static final String FILE = "hub.key";

    private HubKey() {
    }

    static SecretKey loadOrCreate(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        try {
            if (!Files.exists(f)) {
                try {
                    SecretKeyFile.write(SecretKey.generate("hub"), null, f);
                } catch (TrustException e) {
                    // another process made it first: use theirs
                }
            }
            return SecretKeyFile.read(f, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TrustException e) {
            throw new IllegalStateException(f + ": " + e.getMessage());
        }
    }

    static String publicText(SecretKey k) {
        PublicKey p = k.publicKey();
        return p.toText();
    }
}
