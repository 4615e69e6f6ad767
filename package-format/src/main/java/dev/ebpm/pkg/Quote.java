package dev.ebpm.pkg;

/** Quotes untrusted text for one-line error messages: control and non-ASCII characters are escaped, long text cut. */
final class Quote {
    private static final int MAX = 120;

    private Quote() {
    }

    static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (n++ >= MAX) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
