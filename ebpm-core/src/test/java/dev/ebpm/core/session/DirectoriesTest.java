package dev.ebpm.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration and cache directory rules, for a user and for root. */
class DirectoriesTest {
    private static Directories resolve(Map<String, String> properties, Map<String, String> env, boolean root) {
        return Directories.resolve(properties::get, env, "/home/ann", root);
    }

    @Test
    void aUserGetsXdgDirectoriesUnderHome() {
        Directories d = resolve(Map.of(), Map.of(), false);
        assertEquals(Path.of("/home/ann/.config/ebpm"), d.config());
        assertEquals(Path.of("/home/ann/.cache/ebpm"), d.cache());
        d = resolve(Map.of(), Map.of("XDG_CONFIG_HOME", "/xdg/config", "XDG_CACHE_HOME", "/xdg/cache"), false);
        assertEquals(Path.of("/xdg/config/ebpm"), d.config());
        assertEquals(Path.of("/xdg/cache/ebpm"), d.cache());
    }

    @Test
    void relativeXdgValuesAreIgnored() {
        Directories d = resolve(Map.of(), Map.of("XDG_CONFIG_HOME", "config", "XDG_CACHE_HOME", " "), false);
        assertEquals(Path.of("/home/ann/.config/ebpm"), d.config());
        assertEquals(Path.of("/home/ann/.cache/ebpm"), d.cache());
    }

    @Test
    void rootUsesTheSystemDirectoriesEvenWithAUsersXdgVariables() {
        // sudo -E keeps the user's XDG_* variables: root must not write into that user's directories
        Directories d = resolve(Map.of(), Map.of("XDG_CONFIG_HOME", "/home/ann/.config", "XDG_CACHE_HOME", "/home/ann/.cache"), true);
        assertEquals(Path.of("/etc/ebpm"), d.config());
        assertEquals(Path.of("/var/cache/ebpm"), d.cache());
    }

    @Test
    void explicitDirectoriesWinPropertiesFirst() {
        Directories d = resolve(Map.of(), Map.of("EBPM_CONFIG_DIR", "/opt/conf", "EBPM_CACHE_DIR", "/opt/cache"), true);
        assertEquals(Path.of("/opt/conf"), d.config());
        assertEquals(Path.of("/opt/cache"), d.cache());
        d = resolve(Map.of("ebpm.config.dir", "/p/conf", "ebpm.cache.dir", "/p/cache"),
                Map.of("EBPM_CONFIG_DIR", "/opt/conf", "EBPM_CACHE_DIR", "/opt/cache"), false);
        assertEquals(Path.of("/p/conf"), d.config());
        assertEquals(Path.of("/p/cache"), d.cache());
        // a relative value is taken from the working directory, as --store is
        assertEquals(Path.of("rel").toAbsolutePath(), resolve(Map.of(), Map.of("EBPM_CONFIG_DIR", "rel"), false).config());
    }
}
