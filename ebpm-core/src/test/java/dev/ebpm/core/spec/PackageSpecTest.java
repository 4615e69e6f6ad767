package dev.ebpm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.Version;
import dev.ebpm.pkg.VersionRange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one grammar every command parses its package argument with. */
class PackageSpecTest {
    @Test
    void namesWithRangesExactVersionsAndLatest() {
        PackageSpec.Named n = assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("sigsnoop"));
        assertNull(n.hub());
        assertTrue(n.anyVersion());
        assertEquals("NAME[@RANGE]", n.form());
        assertTrue(assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("sigsnoop@latest")).anyVersion());
        assertTrue(assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("sigsnoop@*")).anyVersion());
        PackageSpec.Named exact = assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("sigsnoop@1.2.3"));
        assertEquals(Version.parse("1.2.3"), exact.exact());
        PackageSpec.Named range = assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("sigsnoop@^1.0"));
        assertNull(range.exact());
        assertEquals(VersionRange.parse("^1.0"), range.range());
        assertTrue(range.range().matches(Version.parse("1.9.0")));
        PackageSpec.Named hub = assertInstanceOf(PackageSpec.Named.class, PackageSpec.parse("team/sigsnoop@~1.2"));
        assertEquals("team", hub.hub());
        assertEquals("HUB/NAME[@RANGE]", hub.form());
    }

    @Test
    void pathsUrlsAndStdin() {
        assertEquals(Path.of("./x/package.json"), assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("./x/package.json")).path());
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("/abs/dir"));
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("../up"));
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("prog.bpf.o"));
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("sigsnoop-1.0.0.ebpm"));
        assertEquals(Path.of(System.getProperty("user.home"), "pkgs/app.wasm"),
                assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("~/pkgs/app.wasm")).path());
        assertEquals(Path.of("/tmp/x.ebpm"), assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("file:///tmp/x.ebpm")).path());
        PackageSpec.Url u = assertInstanceOf(PackageSpec.Url.class, PackageSpec.parse("https://eunomia-bpf.github.io/eunomia-bpf/sigsnoop/package.json"));
        assertEquals("eunomia-bpf.github.io", u.uri().getHost());
        assertInstanceOf(PackageSpec.Stdin.class, PackageSpec.parse("-"));
    }

    @Test
    void registryReferencesFollowDockersRule() {
        PackageSpec.OciReference r = assertInstanceOf(PackageSpec.OciReference.class, PackageSpec.parse("127.0.0.1:5000/eunomia/execve:latest"));
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("eunomia/execve", r.repository());
        assertEquals("latest", r.tag());
        r = assertInstanceOf(PackageSpec.OciReference.class, PackageSpec.parse("ghcr.io/eunomia-bpf/execve"));
        assertEquals("latest", r.tag(), "no tag and no digest means latest");
        r = assertInstanceOf(PackageSpec.OciReference.class, PackageSpec.parse("localhost/x/y@sha256:" + "a".repeat(64)));
        assertNull(r.tag());
        assertEquals("sha256:" + "a".repeat(64), r.digest());
        r = assertInstanceOf(PackageSpec.OciReference.class, PackageSpec.parse("oci://quay.io/bpfman-bytecode/go-xdp-counter:v0.9.0"));
        assertEquals("quay.io", r.registry());
        assertEquals("v0.9.0", r.tag());
        r = assertInstanceOf(PackageSpec.OciReference.class, PackageSpec.parse("oci://team/tool:1"));
        assertEquals("team", r.registry(), "oci:// forces a registry even without a dot");
    }

    @Test
    void errorsSayHowTheInputWasRead() {
        String range = assertThrows(SpecException.class, () -> PackageSpec.parse("sigsnoop@!!")).getMessage();
        assertTrue(range.startsWith("invalid version range \"!!\"") && range.endsWith("(\"sigsnoop@!!\" read as NAME[@RANGE])"), range);
        assertTrue(assertThrows(SpecException.class, () -> PackageSpec.parse("Sig_Snoop")).getMessage().endsWith("(\"Sig_Snoop\" read as NAME[@RANGE])"));
        assertTrue(assertThrows(SpecException.class, () -> PackageSpec.parse("a/b/c")).getMessage().startsWith("\"a/b/c\" is not a package spec"));
        assertTrue(assertThrows(SpecException.class, () -> PackageSpec.parse("ghcr.io/X/Y")).getMessage()
                .contains("(read as an OCI registry reference: REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST]): invalid repository"));
        assertTrue(assertThrows(SpecException.class, () -> PackageSpec.parse("ghcr.io/x@sha256:12")).getMessage().contains("invalid digest"));
        assertTrue(assertThrows(SpecException.class, () -> PackageSpec.parse("http://")).getMessage().contains("(read as a URL)"));
        assertEquals("empty package spec", assertThrows(SpecException.class, () -> PackageSpec.parse(" ")).getMessage());
    }

    @Test
    void aWordThatIsAlsoAFileHereIsAmbiguous() {
        // the module directory holds pom.xml and src/: "src" reads as a package name and names a directory here
        SpecException e = assertThrows(SpecException.class, () -> PackageSpec.parse("src"));
        assertEquals("\"src\" is ambiguous: it reads as NAME[@RANGE] and names a file here; write ./src for the file", e.getMessage());
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("./src"));
        assertInstanceOf(PackageSpec.LocalPath.class, PackageSpec.parse("pom.xml"), "not a package name, but a file here: a path");
    }
}
