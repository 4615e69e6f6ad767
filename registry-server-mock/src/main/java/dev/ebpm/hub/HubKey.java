package dev.ebpm.hub;

import dev.ebpm.pkg.trust.SecretKey;
import dev.ebpm.pkg.trust.SecretKeyFile;
import dev.ebpm.pkg.trust.TrustException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hub's signing key, {@code DATA/hub.key} (mode 0600, no passphrase: the server signs unattended), made on first
 * open. It signs the index ({@code /index.json.sig}); clients pin its public half ({@code /hub.pub}).
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
                    // write refuses to replace a key file: another process opening this directory made it first
                    if (!Files.exists(f)) throw e;
                }
            }
            return SecretKeyFile.read(f, null);
        } catch (IOException | TrustException e) {
            throw new HubStorageException("hub key " + f + ": " + e.getMessage(), e);
        }
    }
}
