package dev.ebpm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.testsupport.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bpf-loader's packages form no cycle, and the internal package depends on none of them. */
class PackageCyclesTest {
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    @Test
    void noPackageCycles() throws Exception {
        PackageGraph g = PackageGraph.of(MAIN_SOURCES, "dev.ebpm.loader");
        assertTrue(g.packages().contains("dev.ebpm.loader.run"), "read the module's sources: " + g.packages());
        List<List<String>> cycles = g.cycles();
        assertEquals(List.of(), cycles, "package cycles:" + g.describe(cycles));
    }

    @Test
    void theNativeBindingDependsOnNothingElseInTheModule() throws Exception {
        PackageGraph g = PackageGraph.of(MAIN_SOURCES, "dev.ebpm.loader");
        assertEquals(Map.of(), g.dependencies("dev.ebpm.loader.internal"));
    }
}
