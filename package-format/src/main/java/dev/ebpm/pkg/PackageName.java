package dev.ebpm.pkg;

/**
 * A package name: 1..64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit. Names that differ only in
 * case, '-' or '_' are one name ({@link #canonical()}): a hub refuses a look-alike of a name it has, and a client
 * resolving a name finds the package whatever the spelling.
 */
public record PackageName(String value) implements Comparable<PackageName> {
    public static final int MAX_LENGTH = 64;

    public PackageName {
        check(value);
    }

    public static PackageName parse(String s) {
        return new PackageName(s);
    }

    /**
     * The name as names are compared for sameness: case folded and every '-' and '_' dropped, so {@code sig-snoop},
     * {@code sig_snoop} and {@code SigSnoop} are all {@code sigsnoop} (crates.io folds '-' and '_' together; dropping
     * them also keeps a separator from making a second name out of one).
     */
    public String canonical() {
        return canonical(value);
    }

    /** {@link #canonical()} of any text (e.g. a name in a hub's index that this version's grammar would refuse). */
    public static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** True if both are one name by {@link #canonical()}. */
    public boolean sameNameAs(PackageName other) {
        return canonical().equals(other.canonical());
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
