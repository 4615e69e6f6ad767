package dev.ebpm.core.session;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where ebpm keeps things, the one place that decides it (issue 17 will add configuration, cache and state here, split
 * the XDG way). Today one directory, the store, holds the store database, blobs, caches, keys and runs:
 * <ol>
 *   <li>{@code --store PATH}, else {@code $EBPM_HOME};</li>
 *   <li>for root, the system store {@value #SYSTEM_STORE}: never a user's directory, whatever {@code $HOME} or
 *       {@code $XDG_DATA_HOME} say under {@code sudo} (a store root uses must be root's: {@link SafeOwnership});</li>
 *   <li>else {@code $XDG_DATA_HOME/ebpm} (absolute values only, as the XDG spec says), else {@code ~/.local/share/ebpm}.</li>
 * </ol>
 */
public final class Directories {
    /** Root's store, like apt's and dpkg's state under /var/lib. */
    public static final String SYSTEM_STORE = "/var/lib/ebpm";

    private Directories() {
    }

    /** The store for this process: {@code explicit} (--store) or the rule above. */
    public static Path store(Path explicit) {
        return store(explicit, System.getenv(), System.getProperty("user.home"), UnixUser.current().isRoot());
    }

    static Path store(Path explicit, Map<String, String> env, String home, boolean root) {
        if (explicit != null) return explicit.toAbsolutePath();
        String ebpmHome = env.get("EBPM_HOME");
        if (ebpmHome != null && !ebpmHome.isBlank()) return Path.of(ebpmHome).toAbsolutePath();
        if (root) return Path.of(SYSTEM_STORE);
        String xdg = env.get("XDG_DATA_HOME");
        // the XDG spec says relative values are invalid and must be ignored
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "ebpm");
        return Path.of(home, ".local", "share", "ebpm");
    }
}
