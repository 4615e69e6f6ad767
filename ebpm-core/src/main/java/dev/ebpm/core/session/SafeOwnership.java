package dev.ebpm.core.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a root process may trust: only files that no other user can change, reasoned as sudo's secure path, OpenSSH's
 * StrictModes and git's safe.directory do. A path qualifies when it, and every directory above it, is owned by root
 * (or by the owner of the ebpm installation root is running, for the installation's own files: whoever owns that code
 * already decides what root runs) and is not writable by group or others (a directory writable by all, like /tmp,
 * qualifies only with its sticky bit, which keeps others from renaming what is in it). Symlinks are followed to what
 * they name. A user's store under {@code sudo -E} (its trusted keys, its packages) is refused with a message saying how
 * to go on; checks for users other than root pass, as before.
 */
public final class SafeOwnership {
    private static final int ROOT = 0;

    private SafeOwnership() {
    }

    /** For root: refuses a store another user could change (the directory and its database files). */
    public static void checkStore(Path store) {
        if (!UnixUser.current().isRoot()) return;
        List<Path> files = List.of(store, store.resolve("store.db"), store.resolve("store.db-wal"), store.resolve("store.db-shm"));
        for (Path p : files) {
            problem(p, Set.of(ROOT)).ifPresent(problem -> {
                String why = p.equals(store) ? problem : p.getFileName() + " in it: " + problem;
                throw new UnsafePathException("refusing the store " + store + " as root: " + why
                        + "; use root's own store (no EBPM_HOME, no --store: " + Directories.SYSTEM_STORE + "; sudo ebpm install NAME puts a package there)");
            });
        }
    }

    /**
     * For root: refuses a file of the installation (the built-in keys, the embedded examples) that anyone but root or
     * the installation's owner could change. {@code what} names it ("the built-in keys file") and {@code setting} the
     * option or variable that chose it.
     */
    public static void checkInstallationFile(Path file, String what, String setting) {
        if (!UnixUser.current().isRoot()) return;
        int owner = installationOwner();
        problem(file, owner == ROOT ? Set.of(ROOT) : Set.of(ROOT, owner)).ifPresent(why -> {
            throw new UnsafePathException("refusing " + what + " " + file + " as root: " + why
                    + "; only root or the owner of this ebpm may control what root trusts (set by " + setting + ")");
        });
    }

    /**
     * Why {@code path} (if it exists) or the nearest directory above it is not safe for root, or empty if it is:
     * its owner is not one of {@code owners}, or group or others may write to it.
     */
    static Optional<String> problem(Path path, Set<Integer> owners) {
        Path p = path.toAbsolutePath().normalize();
        try {
            if (Files.exists(p)) p = p.toRealPath();
            else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return Optional.of(p + " is a dangling symlink");
        } catch (IOException e) {
            return Optional.of("cannot resolve " + p + " (" + e.getMessage() + ")");
        }
        for (Path at = p; at != null; at = at.getParent()) {
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) continue;
            boolean self = at.equals(p);
            String whose = self ? "it" : "its directory " + at;
            try {
                PosixFileAttributes a = Files.readAttributes(at, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int uid = (Integer) Files.getAttribute(at, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (!owners.contains(uid)) {
                    return Optional.of(whose + " is owned by uid " + uid + " (" + a.owner().getName() + "), who could change "
                            + (self ? "it" : "what is in it"));
                }
                Set<PosixFilePermission> mode = a.permissions();
                boolean sticky = a.isDirectory() && (((Integer) Files.getAttribute(at, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 01000) != 0;
                boolean groupWrites = mode.contains(PosixFilePermission.GROUP_WRITE);
                boolean othersWrite = mode.contains(PosixFilePermission.OTHERS_WRITE);
                if ((groupWrites || othersWrite) && !(sticky && !self)) {
                    return Optional.of(whose + " is writable by " + (groupWrites && othersWrite ? "group and others" : groupWrites ? "its group" : "others")
                            + " (mode " + String.format("%04o", ((Integer) Files.getAttribute(at, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777) + ")");
                }
            } catch (IOException e) {
                return Optional.of("cannot read the owner of " + at + " (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** The owner of ebpm's own code (its jar, or its class directory): who already decides what root runs. */
    static int installationOwner() {
        java.security.CodeSource source = SafeOwnership.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) return ROOT; // unknown: root alone
        try {
            return (Integer) Files.getAttribute(Path.of(source.getLocation().toURI()), "unix:uid");
        } catch (java.net.URISyntaxException | IOException | IllegalArgumentException e) {
            return ROOT;
        }
    }
}
