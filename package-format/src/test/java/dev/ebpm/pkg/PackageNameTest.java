package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "opensnoop", "tcp-trace", "x_y", "0day", "a1-b2_c3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void accepts(String s) {
        assertEquals(s, PackageName.parse(s).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "/etc/passwd", "a/b", "Opensnoop", "-x", "_x", "x y", "x.y", "x\u0000",
            "\u0430bc" /* Cyrillic a */, "tcp\u2010trace" /* unicode hyphen */, "caf\u00e9", "..", ".",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void refuses(String s) {
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> PackageName.parse(s));
        assertTrue(e.getMessage().startsWith("invalid package name "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void messageSaysWhatAndWhere() {
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> PackageName.parse("../x"));
        assertTrue(e.getMessage().startsWith("invalid package name \"../x\": only a-z, 0-9, '-' and '_' are allowed"), e.getMessage());
        e = assertThrows(InvalidPackageException.class, () -> PackageName.parse("\u0430bc"));
        assertTrue(e.getMessage().contains("\\u0430"), "look-alike is shown escaped: " + e.getMessage());
    }

    @Test
    void namesThatDifferOnlyInSeparatorsOrCaseAreOneName() {
        PackageName sigsnoop = PackageName.parse("sigsnoop");
        assertEquals("sigsnoop", sigsnoop.canonical());
        assertTrue(PackageName.parse("sig-snoop").sameNameAs(sigsnoop));
        assertTrue(PackageName.parse("sig_snoop").sameNameAs(sigsnoop));
        assertTrue(PackageName.parse("s-i_g-snoop").sameNameAs(sigsnoop));
        assertEquals("sigsnoop", PackageName.canonical("Sig-Snoop"));
        assertTrue(!PackageName.parse("sigsnoop2").sameNameAs(sigsnoop));
        assertTrue(!PackageName.parse("sig-snoop").sameNameAs(PackageName.parse("sig-snoops")));
    }
}
