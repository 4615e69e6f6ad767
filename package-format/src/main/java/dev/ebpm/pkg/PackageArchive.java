package dev.ebpm.pkg;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The {@code .ebpm} archive: a gzip'd ustar tar holding ebpm.json and the files it lists. Writing is reproducible
 * (sorted entries, fixed metadata, gzip mtime 0); reading refuses anything unsafe or not matching the manifest.
 */
public final class PackageArchive {
    public static final String EXTENSION = ".ebpm";

    /** Bounds on what {@link #unpack} will hold in memory. */
    public record Limits(long maxTotalBytes, long maxFileBytes, int maxEntries) {
        public static final Limits DEFAULT = new Limits(256L << 20, 64L << 20, 10_000);

        public Limits {
            if (maxFileBytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("maxFileBytes too large");
        }
    }

    private PackageArchive() {
    }

    public static String fileName(PackageManifest m) {
        return m.name() + "-" + m.version() + EXTENSION;
    }

    /**
     * Packs {@code dir} (which must hold an ebpm.json template) into {@code outDir/NAME-VERSION.ebpm}, the manifest
     * ({@link PackageManifest#forDirectory}) computed in memory: nothing in {@code dir} is written but the archive, if
     * {@code outDir} is {@code dir}. Same inputs give the same bytes.
     */
    public static Path pack(Path dir, Path outDir) throws IOException {
        return pack(dir, Map.of(), outDir);
    }

    /** As {@link #pack(Path, Path)}, with {@code built} (package path → file elsewhere) in place of the directory's files. */
    public static Path pack(Path dir, Map<String, Path> built, Path outDir) throws IOException {
        PackageManifest m = PackageManifest.forDirectory(dir, built);
        byte[] json = m.toJson();
        Files.createDirectories(outDir);
        Path target = outDir.resolve(fileName(m));
        AtomicFiles.write(target, out -> write(m, json, path -> Files.newInputStream(built.getOrDefault(path, dir.resolve(path))), out));
        return target;
    }

    /** Packs in memory; the manifest must list exactly {@code files} with matching digests. */
    public static byte[] pack(PackageManifest m, SortedMap<String, byte[]> files) {
        checkAgainstManifest(m, files);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(m, m.toJson(), path -> new java.io.ByteArrayInputStream(files.get(path)), bos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    interface ContentSource {
        InputStream open(String path) throws IOException;
    }

    private static void write(PackageManifest m, byte[] json, ContentSource src, OutputStream sink) throws IOException {
        TreeSet<String> dirs = new TreeSet<>();
        for (String p : m.files().keySet()) {
            for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.substring(0, i));
        }
        // one sorted order over all entries; a directory is named "d/" so it sorts before its contents
        TreeMap<String, String> entries = new TreeMap<>();
        entries.put(PackageManifest.FILE_NAME, PackageManifest.FILE_NAME);
        for (String d : dirs) entries.put(d + "/", null);
        for (String f : m.files().keySet()) entries.put(f, f);

        GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(sink, 64 * 1024), 64 * 1024);
        TarWriter tar = new TarWriter(gz);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String path = e.getValue();
            if (path == null) {
                tar.directory(e.getKey().substring(0, e.getKey().length() - 1));
            } else if (path.equals(PackageManifest.FILE_NAME)) {
                tar.file(path, json);
            } else {
                PackageManifest.FileEntry fe = m.files().get(path);
                try (DigestingInputStream in = new DigestingInputStream(src.open(path))) {
                    tar.file(path, fe.size(), in);
                    if (!in.sha256Hex().equals(fe.sha256())) {
                        throw new InvalidPackageException("file " + Quote.of(path) + ": changed while packing (sha256 differs from ebpm.json)");
                    }
                }
            }
        }
        tar.finish();
        gz.finish();
        gz.flush();
    }

    public static UnpackedPackage unpack(InputStream in) throws IOException {
        return unpack(in, Limits.DEFAULT);
    }

    /**
     * Reads and checks a whole archive. Refuses, with {@link InvalidPackageException} naming the entry: unsafe paths,
     * links, devices, fifos, duplicates, entries over the limits (by declared size, before reading), truncation, a
     * missing or invalid ebpm.json ({@link InvalidManifestException}), and any file not matching the manifest (unlisted,
     * missing, wrong size or sha256).
     */
    public static UnpackedPackage unpack(InputStream raw, Limits limits) throws IOException {
        DigestingInputStream archive = new DigestingInputStream(raw);
        // headers and padding are bounded too, so an endless run of tiny entries cannot stream forever
        long rawBound = limits.maxTotalBytes() + (limits.maxEntries() + 2L) * 2 * TarWriter.BLOCK + (1 << 20);
        TarReader tar;
        try {
            tar = new TarReader(new BoundedInputStream(new GZIPInputStream(archive, 64 * 1024), rawBound));
        } catch (ZipException | EOFException e) {
            throw new InvalidPackageException("archive: not a gzip stream");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        Set<String> dirs = new HashSet<>();
        byte[] manifestJson = null;
        long total = 0;
        int count = 0;
        try {
            for (TarReader.Header h = tar.next(); h != null; h = tar.next()) {
                String name = h.name();
                if (++count > limits.maxEntries()) {
                    throw new InvalidPackageException("archive: more than " + limits.maxEntries() + " entries");
                }
                switch (h.type()) {
                    case '0', '\0' -> { }
                    case '5' -> {
                        String d = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                        PackagePath.check(d, "archive entry");
                        if (h.size() != 0) throw entry(name, "directory entry with data");
                        if (!dirs.add(d) || files.containsKey(d)) throw entry(name, "duplicate entry");
                        continue;
                    }
                    default -> throw entry(name, h.typeName() + " entries are not allowed");
                }
                PackagePath.check(name, "archive entry");
                long max = name.equals(PackageManifest.FILE_NAME) ? PackageManifest.MAX_BYTES : limits.maxFileBytes();
                if (h.size() > max) {
                    throw entry(name, "declares " + h.size() + " bytes, over the per-file limit of " + max);
                }
                if (total + h.size() > limits.maxTotalBytes()) {
                    throw entry(name, "would expand the package past the limit of " + limits.maxTotalBytes() + " bytes");
                }
                if (files.containsKey(name) || dirs.contains(name) || (name.equals(PackageManifest.FILE_NAME) && manifestJson != null)) {
                    throw entry(name, "duplicate entry");
                }
                byte[] data = tar.readData(name, h.size());
                total += data.length;
                if (name.equals(PackageManifest.FILE_NAME)) {
                    manifestJson = data;
                } else {
                    files.put(name, data);
                }
            }
            tar.finish();
        } catch (ZipException e) {
            throw new InvalidPackageException("archive: corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new InvalidPackageException("archive: truncated");
        }
        if (manifestJson == null) {
            throw new InvalidManifestException("archive: no " + PackageManifest.FILE_NAME);
        }
        PackageManifest m;
        try {
            m = PackageManifest.parse(manifestJson);
        } catch (InvalidPackageException e) {
            throw new InvalidManifestException(e.getMessage(), e);
        }
        for (String d : dirs) {
            if (files.containsKey(d)) throw entry(d, "is both a file and a directory");
        }
        checkAgainstManifest(m, files);
        return new UnpackedPackage(m, manifestJson, files, archive.sha256Hex(), archive.count());
    }

    static void checkAgainstManifest(PackageManifest m, Map<String, byte[]> files) {
        for (String p : files.keySet()) {
            if (!m.files().containsKey(p)) throw entry(p, "not listed in " + PackageManifest.FILE_NAME);
        }
        for (Map.Entry<String, PackageManifest.FileEntry> e : m.files().entrySet()) {
            byte[] data = files.get(e.getKey());
            if (data == null) throw entry(e.getKey(), "listed in " + PackageManifest.FILE_NAME + " but missing from the package");
            if (data.length != e.getValue().size()) {
                throw entry(e.getKey(), "size " + data.length + " does not match " + PackageManifest.FILE_NAME + " (" + e.getValue().size() + ")");
            }
            String actual = Digests.sha256Hex(data);
            if (!actual.equals(e.getValue().sha256())) {
                throw entry(e.getKey(), "sha256 mismatch: " + PackageManifest.FILE_NAME + " says " + e.getValue().sha256() + ", content is " + actual);
            }
        }
    }

    private static InvalidPackageException entry(String name, String why) {
        return new InvalidPackageException("archive entry " + Quote.of(name) + ": " + why);
    }

    /** Fails once more than {@code max} bytes have been read. */
    private static final class BoundedInputStream extends FilterInputStream {
        private final long max;
        private long count;

        BoundedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) add(n);
            return n;
        }

        private void add(int n) {
            count += n;
            if (count > max) throw new InvalidPackageException("archive: expands past " + max + " bytes");
        }
    }
}
