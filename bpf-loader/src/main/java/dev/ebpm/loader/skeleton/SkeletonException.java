package dev.ebpm.loader.skeleton;

/**
 * A BPF object (or its build config) from which no eunomia skeleton can be made; one-line message. The message
 * names what the object calls things (variables, sections, types), which can hold any byte: line breaks and other
 * control characters in it are shown as escapes ({@code \n}, {@code \x01}), so the message stays one line.
 */
public class SkeletonException extends RuntimeException {
    public SkeletonException(String message) {
        super(oneLine(message));
    }

    public SkeletonException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(Character::isISOControl)) return message;
        StringBuilder b = new StringBuilder(message.length() + 8);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
