package dev.ebpm.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration, cache and store directory rules, for a user and for root; what root may trust. */
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

    @Test
    void storeLocation() {
        assertEquals(Path.of("/x/store"), Directories.store(Path.of("/x/store"), Map.of("EBPM_HOME", "/y"), "/home/u", false));
        assertEquals(Path.of("/y"), Directories.store(null, Map.of("EBPM_HOME", "/y", "XDG_DATA_HOME", "/d"), "/home/u", false));
        assertEquals(Path.of("/d/ebpm"), Directories.store(null, Map.of("XDG_DATA_HOME", "/d"), "/home/u", false));
        assertEquals(Path.of("/home/u/.local/share/ebpm"), Directories.store(null, Map.of("XDG_DATA_HOME", "rel"), "/home/u", false));
        assertEquals(Path.of("/home/u/.local/share/ebpm"), Directories.store(null, Map.of(), "/home/u", false));
    }

    @Test
    void rootUsesTheSystemStoreWhateverHomeAndXdgSay() {
        // sudo -E keeps the user's HOME and XDG_DATA_HOME: root's default store is still its own
        assertEquals(Path.of("/var/lib/ebpm"), Directories.store(null, Map.of("XDG_DATA_HOME", "/home/u/.local/share"), "/home/u", true));
        assertEquals(Path.of("/var/lib/ebpm"), Directories.store(null, Map.of(), "/root", true));
        // asked for explicitly, another store is used, and SafeOwnership judges it
        assertEquals(Path.of("/y"), Directories.store(null, Map.of("EBPM_HOME", "/y"), "/root", true));
        assertEquals(Path.of("/x"), Directories.store(Path.of("/x"), Map.of(), "/root", true));
    }

    @Test
    void aPathIsSafeForRootOnlyIfNoOtherUserCanChangeItOrADirectoryAboveIt(@TempDir Path tmp) throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine/store"));
        // under /tmp, writable by all but sticky: what root owns in it stays root's
        assertTrue(tmp.toRealPath().startsWith("/tmp"), "JUnit's temp directories are under /tmp (mode 1777)");
        assertEquals(Optional.empty(), SafeOwnership.problem(mine, Set.of(0)));
        assertEquals(Optional.empty(), SafeOwnership.problem(mine.resolve("not-yet"), Set.of(0)), "judged by the directory it would be made in");

        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.of("it is writable by group and others (mode 0777)"), SafeOwnership.problem(mine, Set.of(0)));
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(mine.getParent(), PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(Optional.of("its directory " + mine.getParent().toRealPath() + " is writable by its group (mode 0775)"),
                SafeOwnership.problem(mine, Set.of(0)));
        Files.setPosixFilePermissions(mine.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));

        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertEquals(Optional.of("it is owned by uid 65534 (nobody), who could change it"), SafeOwnership.problem(theirs, Set.of(0)));
        Path inside = Files.createDirectories(theirs.resolve("store"));
        assertEquals(Optional.of("its directory " + theirs.toRealPath() + " is owned by uid 65534 (nobody), who could change what is in it"),
                SafeOwnership.problem(inside, Set.of(0)));
        // a store root is about to make in a directory writable by all but sticky (tmpfs's root, /tmp) is root's alone
        Path sticky = Files.createDirectories(tmp.resolve("sticky"));
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        assertEquals(Optional.empty(), SafeOwnership.problem(sticky.resolve("store"), Set.of(0)));
        assertEquals(Optional.of("it is writable by group and others (mode 1777)"), SafeOwnership.problem(sticky, Set.of(0)));
        // a symlink is judged by what it names
        Path link = Files.createSymbolicLink(tmp.resolve("mine/link"), theirs);
        assertTrue(SafeOwnership.problem(link, Set.of(0)).orElseThrow().startsWith("it is owned by uid 65534"));
        // the installation's owner may own the installation's files
        assertEquals(Optional.empty(), SafeOwnership.problem(theirs, Set.of(0, 65534)));
    }
}
