package dev.ebpm.web;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which link targets a page may carry when they come from data (a README, a manifest's homepage): http, https, mailto
 * and relative URLs. Anything with another scheme ({@code javascript:}, {@code data:}, {@code vbscript:}, ...) is
 * refused, after the clean-up a browser itself does first (tabs and newlines anywhere and surrounding control
 * characters and spaces are dropped, so {@code "java\tscript:"} is {@code javascript:} here as it is there).
 */
public final class SafeUrl {
    private static final Set<String> SCHEMES = Set.of("http", "https", "mailto");

    private SafeUrl() {
    }

    /** The URL as a browser would read it, if a link to it is harmless; empty otherwise. */
    public static Optional<String> check(String url) {
        if (url == null) return Optional.empty();
        String u = clean(url);
        if (u.isEmpty()) return Optional.empty();
        String scheme = scheme(u);
        if (scheme != null && !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) return Optional.empty();
        return Optional.of(u);
    }

    /** What the WHATWG URL parser reads: without leading and trailing C0 controls and spaces, without tabs and newlines. */
    private static String clean(String url) {
        int start = 0;
        int end = url.length();
        while (start < end && url.charAt(start) <= ' ') start++;
        while (end > start && url.charAt(end - 1) <= ' ') end--;
        StringBuilder b = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') b.append(c);
        }
        return b.toString();
    }

    /** The scheme (an ASCII letter, then letters, digits, '+', '-' or '.', then ':'), or null for a relative URL. */
    private static String scheme(String u) {
        if (!isAsciiLetter(u.charAt(0))) return null;
        for (int i = 1; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == ':') return u.substring(0, i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return null;
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
