package dev.ebpm.cli.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cycle finder itself, on a small source tree written for it. */
class PackageGraphTest {
    private static void write(Path root, String file, String code) throws Exception {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, code);
    }

    @Test
    void findsCyclesThroughImportsAndQualifiedNamesButNotThroughCommentsOrStrings(@TempDir Path root) throws Exception {
        write(root, "p/a/A.java", "package p.a;\nimport p.b.B;\nclass A { B b; }\n");
        write(root, "p/b/B.java", "package p.b;\nclass B { p.c.C c; }\n");
        write(root, "p/c/C.java", "package p.c;\nimport static p.a.A.Inner.VALUE;\nclass C {}\n");
        write(root, "p/d/D.java", """
                package p.d;
                // import p.a.A;
                /* p.b.B */
                class D {
                    String s = "p.c.C";
                    char q = '"';
                    String t = \"""
                        p.a.A
                        \""";
                    java.util.List<String> l;
                    p.e.E e;
                }
                """);
        write(root, "p/e/E.java", "package p.e;\nimport p.d.*;\nclass E {}\n");
        write(root, "p/f/F.java", "package p.f;\nimport java.util.List;\nclass F {}\n");

        PackageGraph g = PackageGraph.of(root, "p");

        assertEquals(List.of(List.of("p.a", "p.b", "p.c", "p.a"), List.of("p.d", "p.e", "p.d")), g.cycles());
        assertEquals(Map.of("p.b", "p/a/A.java"), g.dependencies("p.a"));
        assertEquals(Map.of("p.e", "p/d/D.java"), g.dependencies("p.d"), "nothing from comments or literals");
        assertEquals(Map.of(), g.dependencies("p.f"), "packages outside the prefix are not kept");
        assertEquals("\n  p.a -> p.b (p/a/A.java) -> p.c (p/b/B.java) -> p.a (p/c/C.java)"
                + "\n  p.d -> p.e (p/d/D.java) -> p.d (p/e/E.java)", g.describe(g.cycles()));
    }

    @Test
    void anAcyclicTreeHasNoCycles(@TempDir Path root) throws Exception {
        write(root, "p/a/A.java", "package p.a;\nimport p.b.B;\nclass A {}\n");
        write(root, "p/b/B.java", "package p.b;\nclass B { p.c.C c; }\n");
        write(root, "p/c/C.java", "package p.c;\nclass C {}\n");
        assertEquals(List.of(), PackageGraph.of(root, "p").cycles());
    }
}
