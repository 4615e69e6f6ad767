package dev.ebpm.registry;

import dev.ebpm.pkg.BlobDirectory;
import dev.ebpm.pkg.FileErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import okhttp3.Response;

/**
 * Downloads blobs into a content-addressed cache (a {@link BlobDirectory}), hashing while streaming into a temp file.
 * Refuses a Content-Length over the cap before reading, stops reading past it, and on a short body or a digest mismatch
 * deletes the temp file: nothing is left behind but a complete, verified blob.
 */
public final class Downloader {
    /** Largest archive ebpm downloads: the archive reader's expanded-size limit plus headroom. */
    public static final long DEFAULT_MAX_BYTES = (256L << 20) + (1 << 20);

    private final Http http;
    private final Path dir;
    private final BlobDirectory cache;
    private final long maxBytes;
    private final TransferListener transfers;

    public Downloader(Http http, Path dir, long maxBytes, TransferListener transfers) {
        this.http = http;
        this.dir = dir;
        this.cache = new BlobDirectory(dir);
        this.maxBytes = maxBytes;
        this.transfers = transfers;
    }

    /** The cached, verified file for this digest, if a previous download left one. */
    public Optional<Path> cached(String sha256) {
        return cache.find(sha256);
    }

    /**
     * Returns the verified file. {@code expectedSha256} null means "whatever the server sends" (static hubs, URLs): the
     * file is still stored under the digest computed here. {@code expectedSize} below 0 means unknown.
     */
    public Path download(String url, String expectedSha256, long expectedSize) {
        return download(url, Map.of(), expectedSha256, expectedSize);
    }

    /** {@link #download(String, String, long)} with request headers (a registry's Authorization, sent to its own origin only). */
    public Path download(String url, Map<String, String> headers, String expectedSha256, long expectedSize) {
        if (expectedSha256 != null) {
            Optional<Path> hit = cached(expectedSha256);
            if (hit.isPresent()) return hit.get();
        }
        long cap = expectedSize >= 0 ? Math.min(expectedSize, maxBytes) : maxBytes;
        if (expectedSize > maxBytes) {
            throw new RegistryException("download of " + url + ": the index lists " + expectedSize + " bytes, over the limit of " + maxBytes);
        }
        try (Response r = http.get(url, headers)) {
            if (r.code() != 200) {
                throw new RegistryException("download of " + url + ": HTTP " + r.code() + (r.code() == 404 ? " (not found)" : ""));
            }
            long declared = r.body().contentLength();
            if (declared > cap) {
                throw new RegistryException("download of " + url + ": the server announces " + declared + " bytes, over the "
                        + (expectedSize >= 0 && expectedSize < maxBytes ? "indexed size of " + expectedSize : "limit of " + maxBytes)
                        + "; nothing was stored");
            }
            Path tmp = cache.newTempFile();
            try {
                String sha;
                long n = 0;
                long[] received = {0}; // counts bytes of a buffer being filled when the stream breaks
                TransferListener.Transfer progress = transfers.started(shortName(url), declared > 0 ? declared : expectedSize);
                try (PipelinedSha256 digest = new PipelinedSha256(); InputStream in = r.body().byteStream();
                     OutputStream out = Files.newOutputStream(tmp)) {
                    while (true) {
                        byte[] buf = digest.freeBuffer();
                        int k = fill(in, buf, received);
                        if (k <= 0) break;
                        n += k;
                        if (n > cap) {
                            throw new RegistryException("download of " + url + ": more than " + cap + " bytes; stopped reading, nothing was stored");
                        }
                        out.write(buf, 0, k);
                        digest.update(buf, k);
                        progress.progressed(n);
                    }
                    sha = digest.finish();
                } catch (IOException e) {
                    throw new RegistryException("download of " + url + " failed after " + received[0] + " bytes"
                            + (declared > 0 ? " of " + declared : "") + " (" + reason(e) + "); nothing was stored", e);
                }
                if (declared >= 0 && n != declared) {
                    throw new RegistryException("download of " + url + " was truncated: " + n + " of " + declared + " bytes; nothing was stored");
                }
                if (expectedSize >= 0 && n != expectedSize) {
                    throw new RegistryException("download of " + url + ": got " + n + " bytes, the index lists " + expectedSize + "; nothing was stored");
                }
                if (expectedSha256 != null && !expectedSha256.equals(sha)) {
                    throw new RegistryException("download of " + url + ": sha256 mismatch: the index lists " + expectedSha256
                            + ", the download is " + sha + "; nothing was stored");
                }
                Path blob = cache.commit(tmp, sha);
                progress.finished(n);
                return blob;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            if (FileErrors.isDiskFull(e)) throw new RegistryException(FileErrors.diskFull(dir), e);
            throw new RegistryException("download of " + url + ": cannot write the download cache: " + reason(e), e);
        }
    }

    /** Drops a cached download that was refused after it arrived (not a valid package, not trusted): nothing refused is kept. */
    public void discard(String sha256) {
        try {
            if (sha256 != null && dev.ebpm.pkg.Digests.isSha256Hex(sha256)) cache.delete(sha256);
        } catch (IOException e) {
            throw new RegistryException("cannot remove a refused download from " + dir + ": " + reason(e), e);
        }
    }

    /** Deletes what interrupted downloads left; only while no download runs in this cache (the store's write lock). */
    public int deleteTempFiles() throws IOException {
        return cache.deleteTempFiles();
    }

    private static int fill(InputStream in, byte[] buf, long[] received) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int k = in.read(buf, n, buf.length - n);
            if (k < 0) break;
            n += k;
            received[0] += k;
        }
        return n;
    }

    private static String reason(IOException e) {
        return FileErrors.reason(e);
    }

    private static String shortName(String url) {
        int i = url.lastIndexOf('/');
        String s = i >= 0 ? url.substring(i + 1) : url;
        return s.length() > 16 ? s.substring(0, 12) + "..." : s;
    }
}
