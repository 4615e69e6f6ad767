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
 * XDG values that are not absolute paths are ignored, as the XDG spec says; root ignores them altogether, so that
 * {@code sudo -E} never writes into the invoking user's directories.
 */
public record Directories(Path config, Path cache) {

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
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }
}
