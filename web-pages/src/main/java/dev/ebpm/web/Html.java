package dev.ebpm.web;

import java.util.Objects;

/**
 * A piece of HTML that is safe to send. It is made only by escaping text ({@link #text}, the arguments of {@link #of})
 * or from markup its caller vouches for ({@link #trusted}: constant templates, sanitised Markdown), so every string a
 * package or a request supplies reaches a page through the one function {@link #escape}.
 */
public final class Html {
    public static final Html EMPTY = new Html("");

    private final String markup;

    private Html(String markup) {
        this.markup = markup;
    }

    /**
     * Escapes text for HTML element content and for quoted attribute values: {@code & < > " '} become character
     * references, so the text can neither close an element or attribute nor start one.
     */
    public static String escape(String text) {
        if (text == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            String ref = switch (text.charAt(i)) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (ref == null) {
                if (b != null) b.append(text.charAt(i));
                continue;
            }
            if (b == null) b = new StringBuilder(text.length() + 16).append(text, 0, i);
            b.append(ref);
        }
        return b == null ? text : b.toString();
    }

    /** Text shown as it is. */
    public static Html text(String text) {
        return new Html(escape(text));
    }

    /** Markup the caller vouches for: a constant, or the output of a sanitiser. Never package or request data. */
    public static Html trusted(String markup) {
        return new Html(Objects.requireNonNull(markup));
    }

    /**
     * Fills a constant template's {@code {}} placeholders in order: an {@link Html} argument goes in as it is, anything
     * else is escaped ({@code null} is empty). The template is markup and must not come from data.
     */
    public static Html of(String template, Object... args) {
        StringBuilder b = new StringBuilder(template.length() + 32 * args.length);
        int from = 0;
        int used = 0;
        for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
            if (used == args.length) throw new IllegalArgumentException("template has more {} than the " + args.length + " arguments: " + template);
            b.append(template, from, at);
            Object a = args[used++];
            b.append(a instanceof Html h ? h.markup : escape(a == null ? null : a.toString()));
            from = at + 2;
        }
        if (used != args.length) throw new IllegalArgumentException("template has " + used + " {} for " + args.length + " arguments: " + template);
        return new Html(b.append(template, from, template.length()).toString());
    }

    /** The parts one after another. */
    public static Html concat(Iterable<Html> parts) {
        StringBuilder b = new StringBuilder();
        for (Html h : parts) b.append(h.markup);
        return new Html(b.toString());
    }

    public boolean isEmpty() {
        return markup.isEmpty();
    }

    @Override
    public String toString() {
        return markup;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Html h && h.markup.equals(markup);
    }

    @Override
    public int hashCode() {
        return markup.hashCode();
    }
}
