package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackageManifestTest {
    static final String SHA = "a".repeat(64);

    static String json(String files) {
        return "{\"name\":\"opensnoop\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\",\"files\":" + files + "}";
    }

    static PackageManifest parse(String s) {
        return PackageManifest.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesAndWritesCanonicalJson() {
        String in = "{ \"version\": \"1.2.0\", \"name\": \"opensnoop\", \"kind\": \"bpf\", \"entry\": \"package.json\",\n"
                + "  \"description\": \"trace open()\", \"authors\": [\"Ann\"], \"keywords\": [\"fs\"],\n"
                + "  \"requires\": {\"btf\": true, \"ringbuf\": true, \"attach\": [\"tracepoint\"], \"min_kernel\": \"5.8\"},\n"
                + "  \"files\": {\"package.json\": {\"size\": 3, \"sha256\": \"" + SHA + "\"}, \"a/b.o\": {\"sha256\": \"" + SHA + "\", \"size\": 0}}}";
        PackageManifest m = parse(in);
        assertEquals("opensnoop@1.2.0", m.id());
        assertTrue(m.requires().btf());
        assertEquals(List.of("tracepoint"), m.requires().attach());
        String canonical = new String(m.toJson(), StandardCharsets.UTF_8);
        assertEquals("{\"authors\":[\"Ann\"],\"description\":\"trace open()\",\"entry\":\"package.json\",\"files\":{\"a/b.o\":{\"sha256\":\""
                + SHA + "\",\"size\":0},\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":3}},\"keywords\":[\"fs\"],\"kind\":\"bpf\","
                + "\"name\":\"opensnoop\",\"requires\":{\"attach\":[\"tracepoint\"],\"btf\":true,\"min_kernel\":\"5.8\",\"ringbuf\":true},"
                + "\"version\":\"1.2.0\"}", canonical);
        assertEquals(m, PackageManifest.parse(m.toJson()));
        assertArrayEquals(m.toJson(), PackageManifest.parse(m.toJson()).toJson());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "/abs", "a/../b", "a//b", "./a", "a\\\\b", "a/", "a\\u0000b", "C:x", "caf\\u00e9"})
    void refusesBadFilePaths(String path) {
        String s = json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1},\"" + path + "\":{\"sha256\":\"" + SHA + "\",\"size\":1}}");
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> parse(s));
        assertTrue(e.getMessage().startsWith("manifest field \"files\""), e.getMessage());
    }

    @Test
    void namesTheFieldInErrors() {
        String files = "{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1}}";
        assertMessage("manifest field \"entry\": \"app.json\" is not listed", json(files).replace("\"entry\":\"package.json\"", "\"entry\":\"app.json\""));
        assertMessage("invalid package name \"Open\"", json(files).replace("opensnoop", "Open"));
        assertMessage("invalid version \"1.0\"", json(files).replace("1.0.0", "1.0"));
        assertMessage("manifest field \"name\": missing", json(files).replace("\"name\":\"opensnoop\",", ""));
        assertMessage("manifest field \"files.package.json.sha256\": missing", json("{\"package.json\":{\"size\":1}}"));
        assertMessage("manifest field \"files.package.json\": file digest", json("{\"package.json\":{\"sha256\":\"xyz\",\"size\":1}}"));
        assertMessage("manifest field \"files.package.json.size\": must be an integer", json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":\"1\"}}"));
        assertMessage("manifest field \"bogus\": unknown field", json(files).replace("{\"name\"", "{\"bogus\":1,\"name\""));
        assertMessage("ebpm.json: not valid JSON", json(files).replace("{\"name\"", "{\"name\":\"x\",\"name\""));
        assertMessage("ebpm.json: not valid JSON", json(files) + "{\"name\":\"evil\"}");
        assertMessage("invalid package kind \"elf\"", json(files).replace("\"bpf\"", "\"elf\""));
        assertMessage("manifest field \"files\": \"a\" is a file and a directory", json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1},"
                + "\"a\":{\"sha256\":\"" + SHA + "\",\"size\":1},\"a/b\":{\"sha256\":\"" + SHA + "\",\"size\":1}}"));
        assertMessage("manifest field \"files\": must not list ebpm.json", json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1},"
                + "\"ebpm.json\":{\"sha256\":\"" + SHA + "\",\"size\":1}}"));
    }

    private static void assertMessage(String prefix, String json) {
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void forDirectoryComputesDigests(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"x\",\"version\":\"0.1.0\",\"kind\":\"wasm\",\"entry\":\"app.wasm\"}");
        Files.write(dir.resolve("app.wasm"), new byte[] {0, 'a', 's', 'm'});
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/data.txt"), "hello");
        PackageManifest m = PackageManifest.forDirectory(dir);
        assertEquals(List.of("app.wasm", "lib/data.txt"), List.copyOf(m.files().keySet()));
        assertEquals(Digests.sha256Hex("hello".getBytes()), m.files().get("lib/data.txt").sha256());
        assertEquals(5, m.files().get("lib/data.txt").size());
    }

    @Test
    void aManifestListingASignatureIsRefused() {
        for (String sig : List.of("ebpm.sig", "opensnoop-1.0.0.ebpm.sig", "docs/package.json.sig")) {
            String s = json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1},\"" + sig + "\":{\"sha256\":\"" + SHA + "\",\"size\":1}}");
            assertMessage("manifest field \"files\": lists the signature file \"" + sig + "\"; a signature is never part of what it signs", s);
        }
    }

    @Test
    void forDirectoryLeavesSignaturesOutAndWritesNothing(@TempDir Path dir) throws Exception {
        String template = "{\"name\":\"x\",\"version\":\"0.1.0\",\"kind\":\"wasm\",\"entry\":\"app.wasm\"}";
        Files.writeString(dir.resolve("ebpm.json"), template);
        Files.write(dir.resolve("app.wasm"), new byte[] {0, 'a', 's', 'm'});
        Files.writeString(dir.resolve("ebpm.sig"), "{}");
        Files.writeString(dir.resolve("x-0.1.0.ebpm.sig"), "{}");
        PackageManifest m = PackageManifest.forDirectory(dir);
        assertEquals(List.of("app.wasm"), List.copyOf(m.files().keySet()));
        assertEquals(template, Files.readString(dir.resolve("ebpm.json")));
    }

    @Test
    void aBuiltEntryStandsInForTheDirectorysAndBringsItsBuildRecord(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"x\",\"version\":\"0.1.0\",\"kind\":\"bpf\",\"entry\":\"package.json\"}");
        Files.writeString(dir.resolve("x.bpf.c"), "// source");
        Files.writeString(dir.resolve("package.json"), "{\"stale\":true}");
        Path built = tmp.resolve("package.json");
        String pkg = "{\"bpf_object\":\"\",\"meta\":{\"ebpm_build\":{\"clang\":\"Debian clang version 14.0.6\",\"target_arch\":\"x86\","
                + "\"Bad Key\":\"dropped\",\"libbpf\":1}}}";
        Files.writeString(built, pkg);
        PackageManifest m = PackageManifest.forDirectory(dir, java.util.Map.of("package.json", built));
        assertEquals(Digests.sha256Hex(pkg.getBytes(StandardCharsets.UTF_8)), m.files().get("package.json").sha256());
        assertEquals(java.util.Map.of("clang", "Debian clang version 14.0.6", "target_arch", "x86"), m.build());
        String canonical = new String(m.toJson(), StandardCharsets.UTF_8);
        assertTrue(canonical.contains("\"build\":{\"clang\":\"Debian clang version 14.0.6\",\"target_arch\":\"x86\"}"), canonical);
        assertEquals(m, PackageManifest.parse(m.toJson()));
        // a manifest without a record has no "build" at all: older manifests keep their bytes
        assertTrue(!new String(PackageManifest.forDirectory(dir).toJson(), StandardCharsets.UTF_8).contains("\"build\""));
        assertMessage("manifest field \"build.clang\": must be a string", json("{\"package.json\":{\"sha256\":\"" + SHA + "\",\"size\":1}}")
                .replace("{\"name\"", "{\"build\":{\"clang\":14},\"name\""));
    }

    @Test
    void forDirectoryRefusesSymlinks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"x\",\"version\":\"0.1.0\",\"kind\":\"wasm\",\"entry\":\"app.wasm\"}");
        Files.write(dir.resolve("app.wasm"), new byte[] {1});
        Files.createSymbolicLink(dir.resolve("passwd"), Path.of("/etc/passwd"));
        InvalidPackageException e = assertThrows(InvalidPackageException.class, () -> PackageManifest.forDirectory(dir));
        assertTrue(e.getMessage().contains("\"passwd\" is a symlink"), e.getMessage());
    }
}
