package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

    @Test
    void semverSpecOrdering() {
        // the precedence example from semver.org section 11, plus numeric vs lexical cases
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.2.0", "1.10.0", "2.0.0-0", "2.0.0", "10.0.0");
        List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
        Collections.shuffle(shuffled, new Random(42));
        Collections.sort(shuffled);
        assertEquals(ordered, shuffled.stream().map(Version::toString).toList());
    }

    @Test
    void buildMetadataIgnoredForPrecedence() {
        assertEquals(0, Version.parse("1.0.0+a").compareTo(Version.parse("1.0.0+b")));
        assertEquals("1.0.0-rc.1+build.5", Version.parse("1.0.0-rc.1+build.5").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01", "1.2.3-a..b",
            "1.2.3+", "a.b.c", "-1.2.3", "1.2.3-\u0430", "v1.2.3", " 1.2.3", "99999999999999999999.0.0"})
    void refuses(String s) {
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> Version.parse(s));
        assertTrue(e.getMessage().startsWith("invalid version"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "1.2.3;1.2.3;true", "1.2.3;1.2.4;false", "=1.2.3;1.2.3;true",
            "^1.2;1.2.0;true", "^1.2;1.9.9;true", "^1.2;2.0.0;false", "^1.2;1.1.9;false", "^1.2;2.0.0-rc.1;false",
            "^1.2.3;1.2.2;false", "^0.2.3;0.2.9;true", "^0.2.3;0.3.0;false", "^0.0.3;0.0.3;true", "^0.0.3;0.0.4;false",
            "^0;0.9.0;true", "^0;1.0.0;false",
            "~1.2.3;1.2.9;true", "~1.2.3;1.3.0;false", "~1.2.3;1.2.2;false", "~1;1.9.0;true", "~1;2.0.0;false",
            ">=1.0 <2.0;1.0.0;true", ">=1.0 <2.0;1.99.0;true", ">=1.0 <2.0;2.0.0;false", ">=1.0 <2.0;0.9.9;false",
            ">=1.0, <2.0;1.5.0;true", ">= 1.0, < 2.0;1.5.0;true", ">=1.0,<2.0;2.0.0;false",
            "1.x;1.0.0;true", "1.x;1.99.3;true", "1.x;2.0.0;false", "1.2.x;1.2.7;true", "1.2.x;1.3.0;false",
            "*;0.0.1;true", "*;99.0.0;true", "*;1.0.0-beta;false", "x;3.0.0;true",
            "<1.0.0 || >=2.0.0;0.5.0;true", "<1.0.0 || >=2.0.0;1.5.0;false", "<1.0.0 || >=2.0.0;2.1.0;true",
            ">1.2;1.2.9;false", ">1.2;1.3.0;true", "<=1.2;1.2.9;true", "<=1.2;1.3.0;false", ">1.2.3;1.2.4;true",
            "1.0.0 - 2.0.0;2.0.0;true", "1.0.0 - 2.0.0;2.0.1;false", "1.0.0 - 2.0;2.0.9;true",
            ">=1.0.0-beta.2;1.0.0-beta.10;true", ">=1.0.0-beta.2;1.0.0-beta.1;false", ">=1.0.0-beta.2;1.1.0-rc.1;false",
            ">=1.0.0-beta.2;1.1.0;true", "=1.0.0-rc.1;1.0.0-rc.1;true", "^1.0.0-rc.1;1.0.0;true", "^1.0.0-rc.1;1.0.5;true",
    })
    void rangeMatches(String range, String version, boolean expected) {
        assertEquals(expected, VersionRange.parse(range).matches(Version.parse(version)));
    }

    @ParameterizedTest
    @ValueSource(strings = {">=", "^", "1.2.3.4", ">=a", "1.x.3", "1.2-rc", ">= >= 1.0", "^01.2"})
    void refusesBadRanges(String s) {
        assertThrows(InvalidPackageException.class, () -> VersionRange.parse(s));
    }

    @Test
    void highestPicksTheGreatestMatch() {
        List<Version> vs = List.of("0.9.0", "1.0.0", "1.4.2", "1.10.0", "2.0.0-rc.1", "2.0.0", "2.1.0").stream().map(Version::parse).toList();
        assertEquals(Optional.of(Version.parse("1.10.0")), VersionRange.parse("^1.0").highest(vs));
        assertEquals(Optional.of(Version.parse("2.1.0")), VersionRange.parse("*").highest(vs));
        assertEquals(Optional.of(Version.parse("1.4.2")), VersionRange.parse("~1.4").highest(vs));
        assertEquals(Optional.empty(), VersionRange.parse("^3").highest(vs));
        assertFalse(VersionRange.parse("^2").highest(List.of(Version.parse("2.0.0-rc.1"))).isPresent());
        assertTrue(VersionRange.exactly(Version.parse("2.0.0-rc.1")).matches(Version.parse("2.0.0-rc.1")));
    }
}
