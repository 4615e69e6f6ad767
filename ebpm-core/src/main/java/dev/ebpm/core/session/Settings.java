package dev.ebpm.core.session;

import dev.ebpm.registry.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one command runs with: the store, network policy, lockfile policy, where progress and warnings go, the
 * embedded examples (a directory of sources the launcher names), the installation's keys file, and the user's
 * configuration and cache directories (where the examples key and the packages built from source live).
 *
 * @param storeRoot    the local store directory
 * @param offline      never open a socket (also EBPM_OFFLINE=1)
 * @param locked       install exactly what ebpm.lock pins, refuse anything else
 * @param transfers    told of each download (the CLI draws a progress bar)
 * @param reporter     where warnings and progress notes for the user go
 * @param examplesDir  the embedded examples hub's directory, if this installation has one
 * @param builtinKeys  the file of keys this installation ships and trusts out of the box (see docs/trust.md), if any
 * @param directories  the configuration and cache directories ({@link Directories})
 */
public record Settings(Path storeRoot, boolean offline, boolean locked, TransferListener transfers, Reporter reporter,
                       Optional<Path> examplesDir, Optional<Path> builtinKeys, Directories directories) {

    /** For {@code storeRoot}: online (unless EBPM_OFFLINE), unlocked, silent, examples, keys and directories as the launcher and environment set them. */
    public static Settings defaults(Path storeRoot) {
        return new Settings(storeRoot, offlineFromEnvironment(), false, TransferListener.NONE, Reporter.SILENT, examplesDirectory(),
                builtinKeysFile(), Directories.fromEnvironment());
    }

    public Settings offline(boolean v) {
        return new Settings(storeRoot, v || offlineFromEnvironment(), locked, transfers, reporter, examplesDir, builtinKeys, directories);
    }

    public Settings locked(boolean v) {
        return new Settings(storeRoot, offline, v, transfers, reporter, examplesDir, builtinKeys, directories);
    }

    public Settings transfers(TransferListener t) {
        return new Settings(storeRoot, offline, locked, t, reporter, examplesDir, builtinKeys, directories);
    }

    public Settings reporter(Reporter r) {
        return new Settings(storeRoot, offline, locked, transfers, r, examplesDir, builtinKeys, directories);
    }

    public Settings examples(Optional<Path> dir, Optional<Path> keys) {
        return new Settings(storeRoot, offline, locked, transfers, reporter, dir, keys, directories);
    }

    public Settings directories(Directories d) {
        return new Settings(storeRoot, offline, locked, transfers, reporter, examplesDir, builtinKeys, d);
    }

    /** True when {@code EBPM_OFFLINE} is set to 1/true/yes. */
    public static boolean offlineFromEnvironment() {
        String v = System.getenv("EBPM_OFFLINE");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    /** The examples directory: the {@code ebpm.examples} property the launcher passes, or {@code EBPM_EXAMPLES}. */
    static Optional<Path> examplesDirectory() {
        String dir = System.getProperty("ebpm.examples", System.getenv("EBPM_EXAMPLES"));
        if (dir == null) return Optional.empty();
        Path p = Path.of(dir);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * The keys file the installation ships: {@code ebpm.trust.builtin} or {@code EBPM_BUILTIN_KEYS}. A checkout ships
     * none (its examples are signed by the configuration's examples key); a packaged release names its own.
     */
    static Optional<Path> builtinKeysFile() {
        String p = System.getProperty("ebpm.trust.builtin", System.getenv("EBPM_BUILTIN_KEYS"));
        return p == null || p.isBlank() ? Optional.empty() : Optional.of(Path.of(p).toAbsolutePath());
    }
}
