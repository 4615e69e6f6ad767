package dev.ebpm.pkg;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A version requirement in npm/cargo syntax: {@code 1.2.3} (exact), {@code =1.2.3}, {@code ^1.2}, {@code ~1.2.3},
 * {@code >=1.0 <2.0}, {@code >=1.0, <2.0}, {@code 1.x}, {@code *}, {@code 1.0.0 - 2.0.0}, alternatives joined by
 * {@code ||}. As in npm, a prerelease version only matches when a comparator of the same alternative names a
 * prerelease of the same major.minor.patch.
 */
public final class VersionRange {
    private final String text;
    private final List<List<Comparator>> alternatives;

    private VersionRange(String text, List<List<Comparator>> alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    public static VersionRange any() {
        return parse("*");
    }

    /** A range that matches exactly {@code v}, including a prerelease {@code v}. */
    public static VersionRange exactly(Version v) {
        return parse("=" + v);
    }

    public static VersionRange parse(String s) {
        if (s == null) {
            throw new InvalidPackageException("invalid version range null");
        }
        if (s.length() > 1024) {
            throw new InvalidPackageException("invalid version range " + Quote.of(s) + ": longer than 1024 characters");
        }
        List<List<Comparator>> alts = new ArrayList<>();
        for (String alt : s.split("\\|\\|", -1)) {
            alts.add(parseSet(s, alt));
        }
        return new VersionRange(s.trim(), List.copyOf(alts));
    }

    private static List<Comparator> parseSet(String whole, String set) {
        List<String> tokens = new ArrayList<>();
        for (String t : set.replace(',', ' ').trim().split("\\s+")) {
            if (!t.isEmpty()) tokens.add(t);
        }
        List<Comparator> out = new ArrayList<>();
        if (tokens.isEmpty()) {
            // an empty alternative means any version, as in npm ("" and "*" are the same)
            return List.of();
        }
        if (tokens.size() == 3 && tokens.get(1).equals("-")) {
            Partial lo = Partial.parse(whole, tokens.get(0));
            Partial hi = Partial.parse(whole, tokens.get(2));
            out.add(new Comparator(Op.GE, lo.floor(), lo.pre != null));
            out.addAll(upTo(hi, hi.pre != null));
            return out;
        }
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String op = leadingOp(t);
            String rest = t.substring(op.length());
            if (rest.isEmpty()) {
                if (i + 1 >= tokens.size()) {
                    throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": operator " + Quote.of(op) + " without a version");
                }
                rest = tokens.get(++i);
                if (!leadingOp(rest).isEmpty()) {
                    throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": two operators in a row");
                }
            }
            out.addAll(desugar(whole, op, Partial.parse(whole, rest)));
        }
        return out;
    }

    private static String leadingOp(String t) {
        for (String op : new String[] {">=", "<=", ">", "<", "=", "^", "~"}) {
            if (t.startsWith(op)) return op;
        }
        return "";
    }

    private static List<Comparator> desugar(String whole, String op, Partial p) {
        boolean pre = p.pre != null;
        switch (op) {
            case "":
            case "=":
                if (p.major == null) return List.of();
                if (p.patch != null) return List.of(new Comparator(Op.EQ, p.floor(), pre));
                return List.of(new Comparator(Op.GE, p.floor(), false), new Comparator(Op.LT, p.bumpLast(), false));
            case ">=":
                return p.major == null ? List.of() : List.of(new Comparator(Op.GE, p.floor(), pre));
            case ">":
                if (p.major == null) return List.of(new Comparator(Op.LT, Version.of(0, 0, 0).withPre0(), false));
                if (p.patch != null) return List.of(new Comparator(Op.GT, p.floor(), pre));
                return List.of(new Comparator(Op.GE, p.bumpLast(), false));
            case "<":
                if (p.major == null) return List.of(new Comparator(Op.LT, Version.of(0, 0, 0).withPre0(), false));
                return List.of(new Comparator(Op.LT, p.patch != null ? p.floor() : p.floor().withPre0(), pre));
            case "<=":
                if (p.major == null) return List.of();
                return upTo(p, pre);
            case "~":
                if (p.major == null) return List.of();
                Version tildeHi = p.minor == null ? Version.of(p.major + 1, 0, 0) : Version.of(p.major, p.minor + 1, 0);
                return List.of(new Comparator(Op.GE, p.floor(), pre), new Comparator(Op.LT, tildeHi.withPre0(), false));
            case "^":
                if (p.major == null) return List.of();
                Version caretHi;
                if (p.major > 0 || p.minor == null) {
                    caretHi = Version.of(p.major + 1, 0, 0);
                } else if (p.minor > 0 || p.patch == null) {
                    caretHi = Version.of(0, p.minor + 1, 0);
                } else {
                    caretHi = Version.of(0, 0, p.patch + 1);
                }
                return List.of(new Comparator(Op.GE, p.floor(), pre), new Comparator(Op.LT, caretHi.withPre0(), false));
            default:
                throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": unknown operator " + Quote.of(op));
        }
    }

    private static List<Comparator> upTo(Partial p, boolean pre) {
        if (p.major == null) return List.of();
        if (p.patch != null) return List.of(new Comparator(Op.LE, p.floor(), pre));
        return List.of(new Comparator(Op.LT, p.bumpLast(), false));
    }

    public boolean matches(Version v) {
        for (List<Comparator> set : alternatives) {
            if (matchesSet(set, v)) return true;
        }
        return false;
    }

    private static boolean matchesSet(List<Comparator> set, Version v) {
        for (Comparator c : set) {
            if (!c.test(v)) return false;
        }
        if (v.isPrerelease()) {
            for (Comparator c : set) {
                if (c.userPrerelease && c.bound.isPrerelease() && c.bound.sameCore(v)) return true;
            }
            return false;
        }
        return true;
    }

    /** The highest version in {@code candidates} that this range matches. */
    public Optional<Version> highest(Collection<Version> candidates) {
        Version best = null;
        for (Version v : candidates) {
            if (matches(v) && (best == null || v.compareTo(best) > 0)) best = v;
        }
        return Optional.ofNullable(best);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionRange r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    private enum Op { EQ, GT, GE, LT, LE }

    private record Comparator(Op op, Version bound, boolean userPrerelease) {
        boolean test(Version v) {
            int c = v.compareTo(bound);
            return switch (op) {
                case EQ -> c == 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                case LT -> c < 0;
                case LE -> c <= 0;
            };
        }
    }

    /** A possibly incomplete version: {@code 1}, {@code 1.2}, {@code 1.x}, {@code *}, {@code 1.2.3-rc.1}. */
    private record Partial(Long major, Long minor, Long patch, List<String> pre) {
        static Partial parse(String whole, String s) {
            String t = s.startsWith("v") ? s.substring(1) : s;
            int plus = t.indexOf('+');
            if (plus >= 0) t = t.substring(0, plus);
            List<String> pre = null;
            int dash = t.indexOf('-');
            if (dash >= 0) {
                pre = Version.parse("0.0.0" + t.substring(dash)).prerelease();
                t = t.substring(0, dash);
            }
            String[] parts = t.split("\\.", -1);
            if (parts.length > 3) {
                throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": " + Quote.of(s) + " has more than three parts");
            }
            Long[] n = new Long[3];
            boolean wild = false;
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.equals("*") || p.equals("x") || p.equals("X")) {
                    wild = true;
                } else if (wild) {
                    throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": number after a wildcard in " + Quote.of(s));
                } else {
                    try {
                        n[i] = Version.number(s, p);
                    } catch (InvalidPackageException e) {
                        throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": " + Quote.of(s) + " is not a version");
                    }
                }
            }
            if (pre != null && n[2] == null) {
                throw new InvalidPackageException("invalid version range " + Quote.of(whole) + ": a prerelease needs a full version in " + Quote.of(s));
            }
            return new Partial(n[0], n[1], n[2], pre);
        }

        Version floor() {
            return new Version(major == null ? 0 : major, minor == null ? 0 : minor, patch == null ? 0 : patch,
                    pre == null ? List.of() : pre, "");
        }

        /** The first version above this partial: 1 -> 2.0.0-0, 1.2 -> 1.3.0-0. */
        Version bumpLast() {
            if (minor == null) return Version.of(major + 1, 0, 0).withPre0();
            return Version.of(major, minor + 1, 0).withPre0();
        }
    }
}
