package dev.ebpm.registry;

import dev.ebpm.pkg.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import okhttp3.Response;

/**
 * Downloads a blob into a content-addressed cache directory ({@code DIR/<sha256>.ebpm}), hashing while streaming into
 * a temp file. Refuses a Content-Length over the cap before reading, stops reading past it, and on a short body or a
 * digest mismatch deletes the temp file: nothing is left behind but a complete, verified file.
 */
public final class Downloader {
    /** Largest archive ebpm downloads: the archive reader's expanded-size limit plus headroom. */
    public static final long DEFAULT_MAX_BYTES = (256L << 20) + (1 << 20);

    private final HubHttp http;
    private final Path dir;
    private final long maxBytes;
    private final boolean quiet;

    public Downloader(HubHttp http, Path dir, long maxBytes, boolean quiet) {
        this.http = http;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.quiet = quiet;
    }

    /** The cached, verified file for this digest, if a previous download left one. */
    public java.util.Optional<Path> cached(String sha256) {
        if (!Digests.isSha256Hex(sha256)) return java.util.Optional.empty();
        Path p = dir.resolve(sha256 + ".ebpm");
        return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }

    /**
     * Returns the verified file. {@code expectedSha256} null means "whatever the server sends" (static hubs): the file
     * is still stored under the digest computed here. {@code expectedSize} below 0 means unknown.
     */
    public Path download(String url, String expectedSha256, long expectedSize) {
        if (expectedSha256 != null) {
            var hit = cached(expectedSha256);
            if (hit.isPresent()) return hit.get();
        }
        long cap = expectedSize >= 0 ? Math.min(expectedSize, maxBytes) : maxBytes;
        if (expectedSize > maxBytes) {
            throw new RegistryException("download of " + url + ": the index lists " + expectedSize + " bytes, over the limit of " + maxBytes);
        }
        try (Response r = http.get(url, Map.of())) {
            if (r.code() != 200) {
                throw new RegistryException("download of " + url + ": HTTP " + r.code() + (r.code() == 404 ? " (not on the hub)" : ""));
            }
            long declared = r.body().contentLength();
            if (declared > cap) {
                throw new RegistryException("download of " + url + ": the server announces " + declared + " bytes, over the "
                        + (expectedSize >= 0 && expectedSize < maxBytes ? "indexed size of " + expectedSize : "limit of " + maxBytes)
                        + "; nothing was stored");
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".download-", ".part");
            try {
                String sha;
                long n = 0;
                long[] received = {0}; // counts bytes of a buffer being filled when the stream breaks
                ProgressBar bar = ProgressBar.create(shortName(url), declared > 0 ? declared : expectedSize, quiet);
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
                        bar.update(n);
                    }
                    sha = digest.finish();
                    bar.finish(n);
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
                Path target = dir.resolve(sha + ".ebpm");
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return target;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new RegistryException("download of " + url + ": " + reason(e), e);
        }
    }

    /** Reads until {@code buf} is full or the stream ends (okhttp hands out 8 KiB at a time). */
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
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String shortName(String url) {
        int i = url.lastIndexOf('/');
        String s = i >= 0 ? url.substring(i + 1) : url;
        return s.length() > 16 ? s.substring(0, 12) + "..." : s;
    }

    /** Reads a downloaded file back; used by hubs to unpack what they fetched. */
    static InputStream open(Path p) throws IOException {
        return Files.newInputStream(p);
    }
}
