package dev.ebpm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.PackageName;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubPackageTest {
    static HubPackage pkg(String name) {
        return new HubPackage(PackageName.parse(name), null, List.of(), List.of());
    }

    @Test
    void findsAPackageWhateverTheSpelling() {
        List<HubPackage> index = List.of(pkg("opensnoop"), pkg("sigsnoop"));
        assertEquals("sigsnoop", HubPackage.lookup(index, PackageName.parse("sig_snoop"), "h").orElseThrow().name().value());
        assertEquals("sigsnoop", HubPackage.lookup(index, PackageName.parse("sigsnoop"), "h").orElseThrow().name().value());
        assertTrue(HubPackage.lookup(index, PackageName.parse("sigsnoops"), "h").isEmpty());
    }

    @Test
    void anIndexListingTwoSpellingsOfOneNameIsNotGuessedFrom() {
        List<HubPackage> index = List.of(pkg("sigsnoop"), pkg("sig-snoop"));
        RegistryException e = assertThrows(RegistryException.class, () -> HubPackage.lookup(index, PackageName.parse("sigsnoop"), "h"));
        assertEquals("hub h lists [sig-snoop, sigsnoop], which are one name (names that differ only in case, '-' or '_' are one name);"
                + " refusing to choose between them", e.getMessage());
    }
}
