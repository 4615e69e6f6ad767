package dev.ebpm.store;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageArchive;
import dev.ebpm.pkg.UnpackedPackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Installs a {@code .ebpm} archive named by a local path or an http(s) URL: read (bounded), unpack and check, then
 * {@link LocalStore#install}. An archive whose exact bytes are already installed is recognised by its SHA-256
 * without unpacking.
 */
public final class ArchiveInstaller {
    /** Recorded for archives installed by path or URL: nothing vouches for them but the user's choice. */
    public static final String UNSIGNED = "unsigned";

    private final LocalStore store;
    private final PackageArchive.Limits limits;
    private final Duration timeout;

    public ArchiveInstaller(LocalStore store) {
        this(store, PackageArchive.Limits.DEFAULT, Duration.ofSeconds(60));
    }

    public ArchiveInstaller(LocalStore store, PackageArchive.Limits limits, Duration timeout) {
        this.store = store;
        this.limits = limits;
        this.timeout = timeout;
    }

    public static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }

    public InstallResult install(String pathOrUrl) throws IOException {
        byte[] archive;
        InstallSource source;
        if (isUrl(pathOrUrl)) {
            archive = download(pathOrUrl);
            source = InstallSource.url(pathOrUrl);
        } else {
            Path p = Path.of(pathOrUrl);
            archive = readFile(p);
            source = InstallSource.file(p);
        }
        return install(archive, source);
    }

    public InstallResult install(byte[] archive, InstallSource source) throws IOException {
        Optional<InstalledVersion> same = store.findByArchive(Digests.sha256Hex(archive));
        if (same.isPresent()) {
            return new InstallResult(same.get().name(), same.get().version(), true, 0, 0);
        }
        UnpackedPackage pkg = PackageArchive.unpack(new ByteArrayInputStream(archive), limits);
        return store.install(pkg, archive, source, UNSIGNED, true);
    }

    private long maxArchiveBytes() {
        // compressed size is below the expanded size plus tar overhead for anything legitimate
        return limits.maxTotalBytes() + (1 << 20);
    }

    private byte[] readFile(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
            throw new StoreException("no such file: " + p);
        }
        if (Files.isDirectory(p)) {
            throw new StoreException(p + " is a directory; run 'ebpm pack " + p + "' first and install the .ebpm it writes");
        }
        if (Files.size(p) > maxArchiveBytes()) {
            throw new StoreException(p + " is larger than " + maxArchiveBytes() + " bytes");
        }
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new StoreException("no such file: " + p);
        }
    }

    private byte[] download(String url) throws IOException {
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL) // never https -> http
                .connectTimeout(timeout)
                .build();
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            throw new StoreException("invalid URL " + url + ": " + e.getMessage());
        }
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("download of " + url + " interrupted");
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "cannot connect" : e instanceof java.net.http.HttpTimeoutException ? "timed out" : "I/O error";
            throw new StoreException("cannot download " + url + ": " + why + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new StoreException("cannot download " + url + ": HTTP " + resp.statusCode());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxArchiveBytes()) {
                    throw new StoreException("download of " + url + " exceeds " + maxArchiveBytes() + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
