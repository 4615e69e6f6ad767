package dev.ebpm.core.session;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where ebpm keeps what is not the store, per user (or for the system, as root), never in a checkout of ebpm:
 * <ul>
 *   <li>{@code config}: this installation's identity, the examples key ({@code -Debpm.config.dir} or
 *       {@code $EBPM_CONFIG_DIR}, else {@code /etc/ebpm} for root, else {@code $XDG_CONFIG_HOME/ebpm}, else
 *       {@code ~/.config/ebpm});</li>
 *   <li>{@code cache}: what can be made again, the packages built from source ({@code -Debpm.cache.dir} or
 *       {@code $EBPM_CACHE_DIR}, else {@code /var/cache/ebpm} for root, else {@code $XDG_CACHE_HOME/ebpm}, else
 *       {@code ~/.cache/ebpm}).</li>
 * </ul>
 * and, through {@link #store(Path)}, the store (database, blobs, downloads, keys and runs):
 * <ol>
 *   <li>{@code --store PATH}, else {@code $EBPM_HOME};</li>
 *   <li>for root, the system store {@value #SYSTEM_STORE}: never a user's directory, whatever {@code $HOME} or
 *       {@code $XDG_DATA_HOME} say under {@code sudo} (a store root uses must be root's: {@link SafeOwnership});</li>
 *   <li>else {@code $XDG_DATA_HOME/ebpm} (absolute values only, as the XDG spec says), else {@code ~/.local/share/ebpm}.</li>
 * </ol>
 * XDG values that are not absolute paths are ignored, as the XDG spec says; root ignores them altogether, so that
 * {@code sudo -E} never writes into the invoking user's directories.
 */
public record Directories(Path config, Path cache) {
    /** Root's store, like apt's and dpkg's state under /var/lib. */
    public static final String SYSTEM_STORE = "/var/lib/ebpm";

    /** The store for this process: {@code explicit} (--store) or the rule above. */
    public static Path store(Path explicit) {
        return store(explicit, System.getenv(), System.getProperty("user.home"), isRoot());
    }

    static Path store(Path explicit, Map<String, String> env, String home, boolean root) {
        if (explicit != null) return explicit.toAbsolutePath();
        String ebpmHome = env.get("EBPM_HOME");
        if (ebpmHome != null && !ebpmHome.isBlank()) return Path.of(ebpmHome).toAbsolutePath();
        if (root) return Path.of(SYSTEM_STORE);
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "ebpm");
        return Path.of(home, ".local", "share", "ebpm");
    }

    /** The directories for this process: its user, environment and {@code ebpm.*.dir} properties. */
    public static Directories fromEnvironment() {
        return resolve(System::getProperty, System.getenv(), System.getProperty("user.home"), isRoot());
    }

    static Directories resolve(UnaryOperator<String> properties, Map<String, String> env, String home, boolean root) {
        return new Directories(
                pick(properties.apply("ebpm.config.dir"), env.get("EBPM_CONFIG_DIR"), root, "/etc/ebpm", env.get("XDG_CONFIG_HOME"), Path.of(home, ".config")),
                pick(properties.apply("ebpm.cache.dir"), env.get("EBPM_CACHE_DIR"), root, "/var/cache/ebpm", env.get("XDG_CACHE_HOME"), Path.of(home, ".cache")));
    }

    private static Path pick(String property, String explicit, boolean root, String system, String xdg, Path userDefault) {
        if (property != null && !property.isBlank()) return Path.of(property).toAbsolutePath();
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit).toAbsolutePath();
        if (root) return Path.of(system);
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "ebpm");
        return userDefault.resolve("ebpm");
    }

    private static boolean isRoot() {
        return UnixUser.current().isRoot();
    }
}
