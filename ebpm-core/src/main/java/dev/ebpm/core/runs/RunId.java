package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Run ids: 12 random hex digits, checked strictly wherever accepted, so an id never reaches a path unvalidated. */
public final class RunId {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{12}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunId() {
    }

    public static String random() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static boolean isValid(String s) {
        return s != null && FORM.matcher(s).matches();
    }

    public static String require(String s) {
        if (!isValid(s)) throw new RunException("invalid run id '" + printable(s) + "': a run id is 12 hex digits (see ebpm ps)");
        return s;
    }

    /** What a user typed, safe to echo on one line. */
    public static String printable(String s) {
        if (s == null) return "";
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
