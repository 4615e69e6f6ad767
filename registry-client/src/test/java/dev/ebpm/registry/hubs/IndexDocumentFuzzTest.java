package dev.ebpm.registry.hubs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.registry.HubPackage;
import dev.ebpm.registry.RegistryException;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of a hub's {@code index.json} as the client reads it: whatever a hub sends, the
 * only failure is a one-line {@link RegistryException}, and what is accepted can be resolved from. A plain build
 * replays the committed seeds ({@code IndexDocumentFuzzTestInputs/}); {@code scripts/fuzz.sh} fuzzes.
 */
class IndexDocumentFuzzTest {
    @FuzzTest(maxDuration = "12s")
    void index(byte[] json) {
        Map<String, HubPackage> index;
        try {
            index = IndexDocument.parse(json, "fuzz");
        } catch (RegistryException e) {
            assertOneLine(e);
            return;
        }
        for (HubPackage p : index.values()) {
            try {
                HubPackage.lookup(index.values(), PackageName.parse(p.name().value()), "fuzz");
            } catch (RegistryException e) {
                assertOneLine(e);
            }
            p.current();
            p.matches("a");
        }
    }

    static void assertOneLine(RuntimeException e) {
        String m = e.getMessage();
        assertFalse(m == null || m.isBlank() || m.contains("\n"), "a one-line message: " + m);
    }
}
