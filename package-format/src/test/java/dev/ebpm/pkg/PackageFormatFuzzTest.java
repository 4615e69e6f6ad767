package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of what package-format reads from outside: the {@code ebpm.json} manifest and the
 * tar inside an {@code .ebpm} archive. Whatever the bytes, the only failure allowed is {@link InvalidPackageException}
 * with a one-line message; what is accepted must survive a round trip. A plain build replays the committed seeds
 * ({@code PackageFormatFuzzTestInputs/}); {@code scripts/fuzz.sh} fuzzes each target for a bounded time.
 */
class PackageFormatFuzzTest {
    /** Small, so a fuzzed header declaring a huge entry costs nothing. */
    private static final PackageArchive.Limits LIMITS = new PackageArchive.Limits(1 << 20, 1 << 19, 64);

    @FuzzTest(maxDuration = "12s")
    void manifest(byte[] json) {
        PackageManifest m;
        try {
            m = PackageManifest.parse(json);
        } catch (InvalidPackageException e) {
            assertOneLine(e);
            return;
        }
        byte[] canonical = m.toJson();
        assertEquals(m, PackageManifest.parse(canonical));
        assertArrayEquals(canonical, PackageManifest.parse(canonical).toJson());
    }

    /** The fuzzer's bytes are the tar stream: gzip'd here, so mutations reach the tar reader and not only inflate. */
    @FuzzTest(maxDuration = "12s")
    void archive(byte[] tar) throws IOException {
        UnpackedPackage p;
        try {
            p = PackageArchive.unpack(new ByteArrayInputStream(gzip(tar)), LIMITS);
        } catch (InvalidPackageException e) {
            assertOneLine(e);
            return;
        }
        java.util.TreeMap<String, byte[]> files = new java.util.TreeMap<>();
        for (String path : p.paths()) files.put(path, p.bytes(path));
        byte[] again = PackageArchive.pack(p.manifest(), files);
        assertEquals(p.manifest(), PackageArchive.unpack(new ByteArrayInputStream(again), LIMITS).manifest());
    }

    static void assertOneLine(RuntimeException e) {
        String m = e.getMessage();
        assertFalse(m == null || m.isBlank() || m.contains("\n") || m.contains("\r"), "a one-line message: " + m);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }
}
