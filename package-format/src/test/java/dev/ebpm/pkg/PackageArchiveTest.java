package dev.ebpm.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageArchiveTest {
    static final byte[] SKELETON = "{\"bpf_skel\":{\"obj_name\":\"opensnoop_bpf\"}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] OBJECT = "\u007fELF fake bpf object".getBytes(StandardCharsets.UTF_8);

    static Path writePackageDir(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src/bpf"));
        Files.writeString(dir.resolve("ebpm.json"), "{\"name\":\"opensnoop\",\"version\":\"1.0.0\",\"kind\":\"bpf\",\"entry\":\"package.json\","
                + "\"description\":\"trace open()\",\"requires\":{\"btf\":true,\"ringbuf\":true,\"attach\":[\"tracepoint\"]}}");
        Files.write(dir.resolve("package.json"), SKELETON);
        Files.write(dir.resolve("src/bpf/opensnoop.bpf.o"), OBJECT);
        // a long path needs the ustar prefix field
        Path deep = dir.resolve("docs/" + "d".repeat(90) + "/" + "n".repeat(90) + ".md");
        Files.createDirectories(deep.getParent());
        Files.writeString(deep, "long path");
        return dir;
    }

    @Test
    void packIsReproducible(@TempDir Path tmp) throws Exception {
        Path a = writePackageDir(tmp.resolve("a"));
        Path b = writePackageDir(tmp.resolve("b"));
        // different mtimes and creation order must not matter
        Files.setLastModifiedTime(b.resolve("package.json"), FileTime.fromMillis(1_000_000_000_000L));
        byte[] template = Files.readAllBytes(a.resolve("ebpm.json"));
        Path outA = PackageArchive.pack(a, tmp.resolve("outA"));
        Path outB = PackageArchive.pack(b, tmp.resolve("outB"));
        Path outA2 = PackageArchive.pack(a, tmp.resolve("outA2"));
        assertEquals("opensnoop-1.0.0.ebpm", outA.getFileName().toString());
        assertEquals(Digests.sha256Hex(outA), Digests.sha256Hex(outB));
        assertEquals(Digests.sha256Hex(outA), Digests.sha256Hex(outA2));
        // the archive's ebpm.json carries the digests; the directory's template is left as the user wrote it
        PackageManifest m;
        try (InputStream in = Files.newInputStream(outA)) {
            m = PackageArchive.unpack(in).manifest();
        }
        assertEquals(Digests.sha256Hex(OBJECT), m.files().get("src/bpf/opensnoop.bpf.o").sha256());
        assertArrayEquals(template, Files.readAllBytes(a.resolve("ebpm.json")));
        // packing into the package directory itself ignores the archives already there
        Path inPlace = PackageArchive.pack(a, a);
        assertEquals(Digests.sha256Hex(outA), Digests.sha256Hex(inPlace));
        assertEquals(Digests.sha256Hex(outA), Digests.sha256Hex(PackageArchive.pack(a, a)));
        // gzip header mtime is zero
        byte[] gz = Files.readAllBytes(outA);
        assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7]);
    }

    @Test
    void entriesAreSortedWithFixedMetadata(@TempDir Path tmp) throws Exception {
        Path out = PackageArchive.pack(writePackageDir(tmp.resolve("p")), tmp);
        byte[] tar = new GZIPInputStream(Files.newInputStream(out)).readAllBytes();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        for (TarReader.Header h = r.next(); h != null; h = r.next()) {
            names.add(h.name());
            r.readData(h.name(), h.size());
        }
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals("docs/", names.get(0));
        assertTrue(names.contains("ebpm.json"));
        // first header: mode, uid, gid, mtime, unames
        assertEquals("0000755", new String(tar, 100, 7, StandardCharsets.US_ASCII));
        assertEquals("0000000", new String(tar, 108, 7, StandardCharsets.US_ASCII));
        assertEquals("00000000000", new String(tar, 136, 11, StandardCharsets.US_ASCII));
        assertEquals(0, tar[265]);
        assertEquals(0, tar[297]);
    }

    @Test
    void unpackRoundTrip(@TempDir Path tmp) throws Exception {
        Path out = PackageArchive.pack(writePackageDir(tmp.resolve("p")), tmp);
        UnpackedPackage u;
        try (InputStream in = Files.newInputStream(out)) {
            u = PackageArchive.unpack(in);
        }
        assertEquals("opensnoop@1.0.0", u.manifest().id());
        assertArrayEquals(OBJECT, u.bytes("src/bpf/opensnoop.bpf.o"));
        assertArrayEquals(SKELETON, u.bytes("package.json"));
        assertEquals(3, u.paths().size());
        assertEquals(Digests.sha256Hex(out), u.archiveSha256());
        assertArrayEquals(PackageManifest.forDirectory(tmp.resolve("p")).toJson(), u.manifestJson());
        Path x = tmp.resolve("x");
        u.extractTo(x);
        assertArrayEquals(OBJECT, Files.readAllBytes(x.resolve("src/bpf/opensnoop.bpf.o")));
        // in-memory pack gives the same bytes as packing the directory
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (String p : u.paths()) files.put(p, u.bytes(p));
        assertArrayEquals(Files.readAllBytes(out), PackageArchive.pack(u.manifest(), files));
    }

    // ---- tamper matrix --------------------------------------------------------------------------------------

    /** Builds a tar.gz by hand; {@code body} writes entries, ebpm.json is added unless {@code manifest} is null. */
    interface Body {
        void write(TarWriter t) throws IOException;
    }

    static byte[] archive(byte[] manifest, Body body) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            TarWriter t = new TarWriter(gz);
            if (manifest != null) t.file("ebpm.json", manifest);
            body.write(t);
            t.finish();
        }
        return bos.toByteArray();
    }

    static byte[] validManifest() {
        return PackageManifest.builder().name("opensnoop").version("1.0.0").kind(PackageKind.BPF).entry("package.json")
                .file("package.json", SKELETON).file("prog.o", OBJECT).build().toJson();
    }

    static InvalidPackageException refused(byte[] archive) {
        return refused(archive, PackageArchive.Limits.DEFAULT);
    }

    static InvalidPackageException refused(byte[] archive, PackageArchive.Limits limits) {
        InvalidPackageException e = assertThrows(InvalidPackageException.class,
                () -> PackageArchive.unpack(new ByteArrayInputStream(archive), limits));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    static void assertStarts(String prefix, InvalidPackageException e) {
        assertTrue(e.getMessage().startsWith(prefix), "expected \"" + prefix + "...\", got: " + e.getMessage());
    }

    @Test
    void handBuiltValidArchiveIsAccepted() throws Exception {
        byte[] a = archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
        });
        assertEquals(2, PackageArchive.unpack(new ByteArrayInputStream(a)).paths().size());
    }

    @Test
    void flippedByteInAFile() throws Exception {
        byte[] bad = OBJECT.clone();
        bad[3] ^= 1;
        InvalidPackageException e = refused(archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", bad);
        }));
        assertStarts("archive entry \"prog.o\": sha256 mismatch: ebpm.json says " + Digests.sha256Hex(OBJECT) + ", content is " + Digests.sha256Hex(bad), e);
    }

    @Test
    void flippedByteInTheCompressedStream(@TempDir Path tmp) throws Exception {
        byte[] a = Files.readAllBytes(PackageArchive.pack(writePackageDir(tmp.resolve("p")), tmp));
        for (int i : new int[] {20, a.length / 2, a.length - 6}) {
            byte[] b = a.clone();
            b[i] ^= 0x10;
            refused(b);
        }
    }

    @Test
    void pathTraversal() throws Exception {
        assertStarts("archive entry \"../evil\": path traversal", refused(archive(validManifest(), t -> t.file("../evil", OBJECT))));
        assertStarts("archive entry \"/etc/cron.d/x\": absolute path", refused(archive(validManifest(), t -> t.file("/etc/cron.d/x", OBJECT))));
        assertStarts("archive entry \"a/../../evil\": path traversal", refused(archive(validManifest(), t -> t.file("a/../../evil", OBJECT))));
        assertStarts("archive entry \"..\": path traversal", refused(archive(validManifest(), t -> t.directory(".."))));
    }

    @Test
    void linksDevicesAndFifos() throws Exception {
        assertStarts("archive entry \"prog.o\": symlink entries are not allowed",
                refused(archive(validManifest(), t -> t.rawEntry("prog.o", '2', 0, "/etc/shadow", null))));
        assertStarts("archive entry \"prog.o\": hard link entries are not allowed",
                refused(archive(validManifest(), t -> t.rawEntry("prog.o", '1', 0, "package.json", null))));
        assertStarts("archive entry \"dev\": character device entries are not allowed",
                refused(archive(validManifest(), t -> t.rawEntry("dev", '3', 0, null, null))));
        assertStarts("archive entry \"pipe\": fifo entries are not allowed",
                refused(archive(validManifest(), t -> t.rawEntry("pipe", '6', 0, null, null))));
        assertStarts("archive entry \"pax\": pax extended header entries are not allowed",
                refused(archive(validManifest(), t -> t.rawEntry("pax", 'x', 0, null, null))));
    }

    @Test
    void hugeDeclaredEntryIsRefusedWithoutReadingIt() throws Exception {
        // 1 GiB declared, no data behind it: must fail on the header, quickly
        byte[] a = archive(validManifest(), t -> t.rawEntry("prog.o", '0', 1L << 30, null, null));
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertStarts("archive entry \"prog.o\": declares 1073741824 bytes, over the per-file limit", refused(a)));
        byte[] sparse = archive(validManifest(), t -> t.rawEntry("prog.o", 'S', 1L << 30, null, null));
        assertStarts("archive entry \"prog.o\": GNU sparse file entries are not allowed", refused(sparse));
    }

    @Test
    void totalLimitCountsActualBytes() throws Exception {
        PackageArchive.Limits small = new PackageArchive.Limits(SKELETON.length + 4, 1 << 20, 100);
        byte[] a = archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
        });
        // ebpm.json counts as well, so the first file already overflows
        assertTrue(refused(a, small).getMessage().contains("past the limit"));
    }

    @Test
    void truncatedEntry() throws Exception {
        byte[] a = archive(validManifest(), t -> t.rawEntry("prog.o", '0', 5000, null, new byte[100]));
        assertTrue(refused(a).getMessage().startsWith("archive"));
    }

    @Test
    void zeroBombAfterTheEndIsRefused() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            TarWriter t = new TarWriter(gz);
            t.file("ebpm.json", validManifest());
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
            t.finish();
            gz.write(new byte[4 << 20]);
        }
        assertStarts("archive: more than", refused(bos.toByteArray()));
    }

    @Test
    void duplicateEntry() throws Exception {
        assertStarts("archive entry \"prog.o\": duplicate entry", refused(archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
            t.file("prog.o", OBJECT);
        })));
        assertStarts("archive entry \"ebpm.json\": duplicate entry", refused(archive(validManifest(), t -> t.file("ebpm.json", validManifest()))));
    }

    @Test
    void missingManifest() throws Exception {
        assertStarts("archive: no ebpm.json", refused(archive(null, t -> t.file("package.json", SKELETON))));
    }

    @Test
    void unlistedAndMissingFiles() throws Exception {
        assertStarts("archive entry \"extra.sh\": not listed in ebpm.json", refused(archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
            t.file("extra.sh", new byte[] {1});
        })));
        assertStarts("archive entry \"prog.o\": listed in ebpm.json but missing", refused(archive(validManifest(), t -> t.file("package.json", SKELETON))));
        assertStarts("archive entry \"prog.o\": size 3 does not match ebpm.json", refused(archive(validManifest(), t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", new byte[3]);
        })));
    }

    @Test
    void notGzipOrNotTar() throws Exception {
        assertStarts("archive: not a gzip stream", refused("hello".getBytes()));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write("not a tar".repeat(100).getBytes());
        }
        assertStarts("archive: corrupt tar header", refused(bos.toByteArray()));
    }

    @Test
    void badManifestInArchive() throws Exception {
        byte[] m = new String(validManifest(), StandardCharsets.UTF_8).replace("opensnoop", "../x").getBytes(StandardCharsets.UTF_8);
        assertStarts("invalid package name \"../x\"", refused(archive(m, t -> {
            t.file("package.json", SKELETON);
            t.file("prog.o", OBJECT);
        })));
    }

    @Test
    void manifestFaultsAreToldApartFromArchiveFaults() throws Exception {
        byte[] m = new String(validManifest(), StandardCharsets.UTF_8).replace("opensnoop", "../x").getBytes(StandardCharsets.UTF_8);
        assertTrue(refused(archive(m, t -> t.file("package.json", SKELETON))) instanceof InvalidManifestException);
        assertTrue(refused(archive(null, t -> t.file("package.json", SKELETON))) instanceof InvalidManifestException);
        assertFalse(refused("hello".getBytes()) instanceof InvalidManifestException);
        assertFalse(refused(archive(validManifest(), t -> t.file("package.json", SKELETON))) instanceof InvalidManifestException);
    }

    @Test
    void badNamesList() {
        for (String s : List.of("../x", "", "/abs", "\u0430pp", "UPPER", "a b", "a/b")) {
            assertThrows(InvalidPackageException.class, () -> PackageName.parse(s), s);
        }
    }
}
