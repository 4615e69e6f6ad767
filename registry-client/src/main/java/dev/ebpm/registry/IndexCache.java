package dev.ebpm.registry;

import dev.ebpm.pkg.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Last index document fetched from each hub, with its ETag, under {@code DIR/<hub>-<url hash>.json|.etag}. Lets a
 * client revalidate with If-None-Match (a 304 costs no body) and resolve offline.
 */
public final class IndexCache {
    private final Path dir;

    public IndexCache(Path dir) {
        this.dir = dir;
    }

    /** A cached document and the ETag it came with (null if the server sent none). */
    public record Entry(byte[] json, String etag) {}

    public Optional<Entry> get(String hub, String url) {
        Path json = file(hub, url, ".json");
        if (!Files.isRegularFile(json)) return Optional.empty();
        try {
            Path etag = file(hub, url, ".etag");
            String e = Files.isRegularFile(etag) ? Files.readString(etag, StandardCharsets.UTF_8).strip() : null;
            return Optional.of(new Entry(Files.readAllBytes(json), e == null || e.isEmpty() ? null : e));
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    public void put(String hub, String url, byte[] json, String etag) {
        try {
            Files.createDirectories(dir);
            // the document first, then its ETag: a crash in between only costs a full fetch next time
            Files.deleteIfExists(file(hub, url, ".etag"));
            replace(file(hub, url, ".json"), json);
            if (etag != null) replace(file(hub, url, ".etag"), etag.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void remove(String hub, String url) {
        try {
            Files.deleteIfExists(file(hub, url, ".etag"));
            Files.deleteIfExists(file(hub, url, ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String hub, String url, String ext) {
        String safe = hub.replaceAll("[^A-Za-z0-9_.-]", "_");
        return dir.resolve(safe + "-" + Digests.sha256Hex(url.getBytes(StandardCharsets.UTF_8)).substring(0, 12) + ext);
    }

    private static void replace(Path target, byte[] data) throws IOException {
        dev.ebpm.pkg.AtomicFiles.replace(target, data);
    }
}
