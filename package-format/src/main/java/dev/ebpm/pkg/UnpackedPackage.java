package dev.ebpm.pkg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A package whose archive has been fully checked: every file is listed in the manifest with a matching size and
 * SHA-256, and nothing else is present. Contents are held in memory (bounded by {@link PackageArchive.Limits}).
 */
public final class UnpackedPackage {
    private final PackageManifest manifest;
    private final byte[] manifestJson;
    private final SortedMap<String, byte[]> files;
    private final String archiveSha256;
    private final long archiveSize;

    UnpackedPackage(PackageManifest manifest, byte[] manifestJson, SortedMap<String, byte[]> files, String archiveSha256, long archiveSize) {
        this.manifest = manifest;
        this.manifestJson = manifestJson;
        this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        this.archiveSha256 = archiveSha256;
        this.archiveSize = archiveSize;
    }

    /** Builds a package from a manifest and contents, checking them against each other like {@link PackageArchive#unpack}. */
    public static UnpackedPackage of(PackageManifest manifest, SortedMap<String, byte[]> files) {
        PackageArchive.checkAgainstManifest(manifest, files);
        return new UnpackedPackage(manifest, manifest.toJson(), files, null, -1);
    }

    public PackageManifest manifest() {
        return manifest;
    }

    /** The ebpm.json bytes exactly as they were in the archive (what a signature covers). */
    public byte[] manifestJson() {
        return manifestJson.clone();
    }

    public SortedSet<String> paths() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(files.keySet()));
    }

    public InputStream open(String path) {
        return new ByteArrayInputStream(require(path));
    }

    public byte[] bytes(String path) {
        return require(path).clone();
    }

    public long size(String path) {
        return require(path).length;
    }

    /** SHA-256 of the archive stream this was read from, or null if not read from an archive. */
    public String archiveSha256() {
        return archiveSha256;
    }

    public long archiveSize() {
        return archiveSize;
    }

    /** Writes every file (and ebpm.json) under {@code dir}; paths were validated when unpacking. */
    public void extractTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(PackageManifest.FILE_NAME), manifestJson);
        for (var e : files.entrySet()) {
            Path target = dir.resolve(e.getKey()).normalize();
            if (!target.startsWith(dir.normalize())) {
                throw new InvalidPackageException("archive entry " + Quote.of(e.getKey()) + ": escapes the target directory");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, e.getValue());
        }
    }

    private byte[] require(String path) {
        byte[] b = files.get(path);
        if (b == null) {
            throw new InvalidPackageException("package " + manifest.id() + ": no file " + Quote.of(path));
        }
        return b;
    }

    @Override
    public String toString() {
        return manifest.id();
    }
}
