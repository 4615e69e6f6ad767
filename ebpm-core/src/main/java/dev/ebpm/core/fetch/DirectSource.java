package dev.ebpm.core.fetch;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.spec.SpecException;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransferListener;
import dev.ebpm.store.InstallSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import okhttp3.Response;

/**
 * A package named directly rather than on a hub: a file, a URL or standard input, read whole and bounded (a package file
 * is small; a bigger one is refused before it is read). A detached signature beside it ({@code FILE.sig},
 * {@code URL.sig}) is read too, when there is one: a URL's through the same HTTP client, so {@code --offline} holds.
 */
public final class DirectSource {
    /** Largest signature envelope accepted. */
    private static final long MAX_SIGNATURE = 64 * 1024;
    public static final String SIGNATURE_SUFFIX = ".sig";

    /** What was read: the bytes, a file name (it picks the bare forms: .o, .wasm, .skel.json), where from, as recorded, and the signature beside it. */
    public record Read(byte[] bytes, String fileName, String origin, InstallSource source, Optional<String> signature, Path directory) {}

    private final Session session;

    public DirectSource(Session session) {
        this.session = session;
    }

    /** Reads a file, URL or stdin spec; {@code maxBytes} bounds the package, {@code withSignature} looks for X.sig beside it. */
    public Read read(PackageSpec spec, long maxBytes, boolean withSignature) {
        if (spec instanceof PackageSpec.LocalPath p) return file(p, maxBytes, withSignature);
        if (spec instanceof PackageSpec.Url u) return url(u, maxBytes, withSignature);
        if (spec instanceof PackageSpec.Stdin) {
            return new Read(stdin(maxBytes), "-", "standard input", InstallSource.stdin(), Optional.empty(), null);
        }
        throw new IllegalArgumentException(spec.form() + " is not read directly");
    }

    private Read file(PackageSpec.LocalPath p, long maxBytes, boolean withSignature) {
        Path file = p.path();
        if (!Files.exists(file)) throw new SpecException("no such file: " + p.text() + " (read as " + p.form() + ")");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory");
        try {
            long size = Files.size(file);
            if (size > maxBytes) throw new SpecException(file + " is " + size + " bytes; a package file is at most " + maxBytes);
            byte[] bytes = Files.readAllBytes(file);
            Optional<String> sig = Optional.empty();
            Path beside = Path.of(file + SIGNATURE_SUFFIX);
            if (withSignature && Files.isRegularFile(beside)) sig = Optional.of(readSignature(beside));
            Path parent = file.toAbsolutePath().getParent();
            return new Read(bytes, file.getFileName().toString(), file.toString(), InstallSource.file(file), sig, parent);
        } catch (IOException e) {
            throw new SpecException("cannot read " + file + ": " + reason(e));
        }
    }

    /** A detached signature file given on the command line or found beside a package. */
    public static String readSignature(Path p) {
        try {
            if (!Files.isRegularFile(p)) throw new SpecException("no such signature file: " + p);
            if (Files.size(p) > MAX_SIGNATURE) throw new SpecException(p + " is too large to be a signature");
            return Files.readString(p);
        } catch (IOException e) {
            throw new SpecException("cannot read " + p + ": " + reason(e));
        }
    }

    private Read url(PackageSpec.Url u, long maxBytes, boolean withSignature) {
        String url = u.uri().toString();
        byte[] bytes = get(url, maxBytes, true).orElseThrow(() -> new RegistryException("cannot download " + url + ": HTTP 404"));
        Optional<String> sig = Optional.empty();
        if (withSignature) sig = get(url + SIGNATURE_SUFFIX, MAX_SIGNATURE, false).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
        String path = u.uri().getPath() == null ? "" : u.uri().getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new Read(bytes, name.isEmpty() ? "package.json" : name, url, InstallSource.url(url), sig, null);
    }

    /** The body of {@code url}, or empty on 404; any other status, an oversized body or no connection is an error naming the URL. */
    private Optional<byte[]> get(String url, long max, boolean showProgress) {
        Http http = session.http();
        try (Response r = http.get(url, Map.of())) {
            if (r.code() == 404) return Optional.empty();
            if (r.code() != 200) throw new RegistryException("cannot download " + url + ": HTTP " + r.code());
            TransferListener.Transfer progress = showProgress ? session.settings().transfers().started(url.substring(url.lastIndexOf('/') + 1),
                    r.body().contentLength()) : TransferListener.Transfer.NONE;
            return Optional.of(Http.readBounded(r, max, "download of " + url, progress));
        }
    }

    private static byte[] stdin(long max) {
        try {
            InputStream in = System.in;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > max) throw new SpecException("standard input holds more than " + max + " bytes; a package is at most that");
                out.write(buf, 0, n);
            }
            if (out.size() == 0) throw new SpecException("standard input is empty (read \"-\" as standard input)");
            return out.toByteArray();
        } catch (IOException e) {
            throw new SpecException("cannot read standard input: " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        return e.getMessage() == null ? "I/O error" : e.getMessage();
    }
}
