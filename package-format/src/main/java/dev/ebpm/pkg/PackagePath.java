package dev.ebpm.pkg;

/**
 * Rules for a path inside a package: relative, '/'-separated, normalized (no empty, "." or ".." segments), printable
 * ASCII without backslash, at most 255 bytes (what a ustar header can hold).
 */
public final class PackagePath {
    public static final int MAX_LENGTH = 255;

    private PackagePath() {
    }

    /** Returns {@code path} if it is a safe package path, else throws naming {@code where}, e.g. "archive entry". */
    public static String check(String path, String where) {
        String why = problem(path);
        if (why != null) {
            throw new InvalidPackageException(where + " " + Quote.of(path) + ": " + why);
        }
        return path;
    }

    public static boolean isValid(String path) {
        return problem(path) == null;
    }

    private static String problem(String p) {
        if (p == null || p.isEmpty()) return "empty path";
        if (p.length() > MAX_LENGTH) return "path longer than " + MAX_LENGTH + " bytes";
        if (p.startsWith("/")) return "absolute path not allowed";
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == 0) return "NUL byte in path";
            if (c == '\\') return "backslash in path";
            if (c < 0x20 || c >= 0x7f) return "path must be printable ASCII";
        }
        if (p.length() >= 2 && p.charAt(1) == ':') return "drive letter in path";
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty()) return "empty path segment (path must be normalized)";
            if (seg.equals("..")) return "path traversal (\"..\") not allowed";
            if (seg.equals(".")) return "\".\" segment (path must be normalized)";
        }
        return null;
    }
}
