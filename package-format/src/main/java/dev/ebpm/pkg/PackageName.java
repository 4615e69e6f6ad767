package dev.ebpm.pkg;

/** A package name: 1..64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit. */
public record PackageName(String value) implements Comparable<PackageName> {
    public static final int MAX_LENGTH = 64;

    public PackageName {
        check(value);
    }

    public static PackageName parse(String s) {
        return new PackageName(s);
    }

    public static boolean isValid(String s) {
        try {
            check(s);
            return true;
        } catch (InvalidPackageException e) {
            return false;
        }
    }

    private static void check(String s) {
        if (s == null || s.isEmpty()) {
            throw new InvalidPackageException("invalid package name \"\": must not be empty");
        }
        if (s.length() > MAX_LENGTH) {
            throw new InvalidPackageException("invalid package name " + Quote.of(s) + ": longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && c != '-' && c != '_') {
                throw new InvalidPackageException("invalid package name " + Quote.of(s)
                        + ": only a-z, 0-9, '-' and '_' are allowed (bad character at index " + i + ")");
            }
            if (i == 0 && !alnum) {
                throw new InvalidPackageException("invalid package name " + Quote.of(s) + ": must start with a letter or digit");
            }
        }
    }

    @Override
    public int compareTo(PackageName o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
