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
import java.util.function.Consumer;
import dev.ebpm.pkg.trust.KeyRing;
import dev.ebpm.pkg.trust.SignatureEnvelope;
import dev.ebpm.pkg.trust.TrustPolicy;
import dev.ebpm.pkg.trust.Verifier;

/**
 * Installs a {@code .ebpm} archive named by a local path or an http(s) URL: read (bounded), unpack and check, then
 * {@link LocalStore#install}. An archive whose exact bytes are already installed is recognised by its SHA-256
 * without unpacking.
 */
public final class ArchiveInstaller {
    /** Recorded for archives installed by path or URL: nothing vouches for them but the user's choice. */
    public static final String UNSIGNED = "unsigned";

    /**
     * What the installer trusts. {@link #UNCHECKED} (the store's own tests and benchmarks) records every archive as
     * unsigned and allowed; the CLI passes the user's keys and {@code --allow-unsigned}.
     */
    public record Trust(KeyRing keys, boolean allowUnsigned, Consumer<String> warnings) {
        public static final Trust UNCHECKED = new Trust(null, true, w -> { });

        public static Trust of(KeyRing keys, boolean allowUnsigned, Consumer<String> warnings) {
            return new Trust(keys, allowUnsigned, warnings);
        }
    }

    private final LocalStore store;
    private final PackageArchive.Limits limits;
    private final Duration timeout;
    private final Trust trust;

    public ArchiveInstaller(LocalStore store) {
        this(store, PackageArchive.Limits.DEFAULT, Duration.ofSeconds(60), Trust.UNCHECKED);
    }

    public ArchiveInstaller(LocalStore store, PackageArchive.Limits limits, Duration timeout) {
        this(store, limits, timeout, Trust.UNCHECKED);
    }

    public ArchiveInstaller(LocalStore store, Trust trust) {
        this(store, PackageArchive.Limits.DEFAULT, Duration.ofSeconds(60), trust);
    }

    public ArchiveInstaller(LocalStore store, PackageArchive.Limits limits, Duration timeout, Trust trust) {
        this.store = store;
        this.limits = limits;
        this.timeout = timeout;
        this.trust = trust;
    }

    public static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }

    public InstallResult install(String pathOrUrl) throws IOException {
        return install(pathOrUrl, null);
    }

    /**
     * Installs from a path or URL. The signature is {@code signatureFileOrNull} if given, else the archive's
     * detached signature beside it ({@code ARCHIVE.sig}, a file or URL), if there is one.
     */
    public InstallResult install(String pathOrUrl, Path signatureFileOrNull) throws IOException {
        if (trust.keys() != null) Verifier.warmUp();
        byte[] archive;
        InstallSource source;
        byte[] sig = signatureFileOrNull == null ? null : readSignature(signatureFileOrNull);
        if (isUrl(pathOrUrl)) {
            archive = download(pathOrUrl);
            source = InstallSource.url(pathOrUrl);
            if (sig == null && trust.keys() != null) sig = downloadOptional(pathOrUrl + SignatureEnvelope.SUFFIX);
        } else {
            Path p = Path.of(pathOrUrl);
            archive = readFile(p);
            source = InstallSource.file(p);
            Path beside = Path.of(pathOrUrl + SignatureEnvelope.SUFFIX);
            if (sig == null && Files.isRegularFile(beside)) sig = readSignature(beside);
        }
        return install(archive, source, sig == null ? null : SignatureEnvelope.parse(sig));
    }

    public InstallResult install(byte[] archive, InstallSource source) throws IOException {
        return install(archive, source, null);
    }

    /**
     * Unpacks (every file checked against the manifest), then decides trust ({@link TrustPolicy}), and only then
     * stores: a refused package leaves nothing behind.
     */
    public InstallResult install(byte[] archive, InstallSource source, SignatureEnvelope envelopeOrNull) throws IOException {
        long t = Timing.start();
        String archiveSha = Digests.sha256Hex(archive);
        Timing.report("install: archive sha256", t);
        Optional<InstalledVersion> same = store.findByArchive(archiveSha);
        if (same.isPresent()) {
            return new InstallResult(same.get().name(), same.get().version(), true, 0, 0);
        }
        t = Timing.start();
        UnpackedPackage pkg = PackageArchive.unpack(new ByteArrayInputStream(archive), limits);
        Timing.report("install: unpack and file sha256s", t);
        if (trust.keys() == null) return store.install(pkg, archive, source, UNSIGNED, true);
        t = Timing.start();
        TrustPolicy.Decision d = TrustPolicy.decide(new Verifier(trust.keys()), KeyRing.ANY_SOURCE, envelopeOrNull, pkg, trust.allowUnsigned());
        Timing.report("install: signature", t);
        if (d.warning() != null) trust.warnings().accept(d.warning());
        t = Timing.start();
        InstallResult r = store.install(pkg, archive, source, new SignatureRecord(d.status(), d.envelopeJson(), d.trustSource(), d.allowedUnsigned()));
        Timing.report("install: store", t);
        return r;
    }

    private static byte[] readSignature(Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new StoreException("no such signature file: " + p);
        if (Files.size(p) > 64 * 1024) throw new StoreException(p + " is too large to be a signature");
        return Files.readAllBytes(p);
    }

    /** The body of {@code url}, or null on 404 (no detached signature published). */
    private byte[] downloadOptional(String url) throws IOException {
        try {
            return download(url, true);
        } catch (StoreException e) {
            if (e.getMessage().endsWith("HTTP 404")) return null;
            throw e;
        }
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
        return download(url, false);
    }

    private byte[] download(String url, boolean small) throws IOException {
        long max = small ? 64 * 1024 : maxArchiveBytes();
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
                if (total > max) {
                    throw new StoreException("download of " + url + " exceeds " + max + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
