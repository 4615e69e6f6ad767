package dev.ebpm.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SafeUrlTest {
    @Test
    void webMailAndRelativeLinksPass() {
        for (String ok : new String[] {"https://ebpm.dev/x?y#z", "HTTP://example.org", "mailto:a@b.c", "docs/usage.md", "#options",
                "/packages/sigsnoop", "?q=1", "//example.org/x", "sigsnoop.bpf.c", "a b:c" /* not a scheme: a relative path */}) {
            assertEquals(Optional.of(ok), SafeUrl.check(ok), ok);
        }
        assertEquals(Optional.of("https://x.org/a"), SafeUrl.check("  https://x.org/\na\t "));
    }

    @Test
    void everyOtherSchemeIsRefusedAsABrowserWouldReadIt() {
        for (String bad : new String[] {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "\u0000javascript:alert(1)",
                "java\tscript:alert(1)", "java\nscript:alert(1)", "jav\r\nascript:alert(1)", "\u001fjavascript:x", "vbscript:msgbox(1)",
                "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd", "blob:https://x/y", "", "   ", null}) {
            assertTrue(SafeUrl.check(bad).isEmpty(), String.valueOf(bad));
        }
    }
}
