package dev.ebpm.store;

import java.nio.file.Path;
import java.util.Map;

/** Where the store lives: {@code --store}, else {@code $EBPM_HOME}, else {@code $XDG_DATA_HOME/ebpm}, else {@code ~/.local/share/ebpm}. */
public final class StoreLocation {
    private StoreLocation() {
    }

    public static Path resolve(Path explicit) {
        return resolve(explicit, System.getenv(), System.getProperty("user.home"));
    }

    static Path resolve(Path explicit, Map<String, String> env, String home) {
        if (explicit != null) return explicit.toAbsolutePath();
        String ebpmHome = env.get("EBPM_HOME");
        if (ebpmHome != null && !ebpmHome.isBlank()) return Path.of(ebpmHome).toAbsolutePath();
        String xdg = env.get("XDG_DATA_HOME");
        // the XDG spec says relative values are invalid and must be ignored
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "ebpm");
        return Path.of(home, ".local", "share", "ebpm");
    }
}
