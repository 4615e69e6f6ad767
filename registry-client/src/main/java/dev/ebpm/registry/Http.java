package dev.ebpm.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The one HTTP client of ebpm: every hub, registry and URL download goes through it (okhttp). Connect and read timeouts; GETs are retried (bounded, with backoff) on
 * 5xx and connection resets but not on timeouts or refused connections, so a dead hub costs one short timeout;
 * redirects are followed by hand, at most {@link Options#maxRedirects()}, never from https to http. In offline mode
 * every call throws {@link OfflineException} before touching the network.
 */
public final class Http {
    /** Network behaviour; {@link #defaults()} is what the CLI uses. */
    public record Options(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff, int maxRedirects,
                          boolean offline) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(20), 3, Duration.ofMillis(250), 5, false);
        }

        public Options offline(boolean off) {
            return new Options(connectTimeout, readTimeout, attempts, backoff, maxRedirects, off);
        }

        public Options timeouts(Duration connect, Duration read) {
            return new Options(connect, read, attempts, backoff, maxRedirects, offline);
        }
    }

    private final Options options;
    private volatile OkHttpClient client;

    public Http(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    public boolean offline() {
        return options.offline();
    }

    private OkHttpClient client() {
        if (options.offline()) throw new OfflineException("offline mode: no network access");
        OkHttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = new OkHttpClient.Builder()
                            .connectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .readTimeout(options.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .writeTimeout(options.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .dns(this::lookup)
                            .followRedirects(false)
                            .followSslRedirects(false)
                            // lets okhttp replay a GET on a pooled connection the server closed meanwhile
                            .retryOnConnectionFailure(true)
                            .build();
                }
                c = client;
            }
        }
        return c;
    }

    /** Name lookup bounded by the connect timeout: a dead DNS server must not hang ebpm either. */
    private List<InetAddress> lookup(String host) throws UnknownHostException {
        FutureTask<InetAddress[]> task = new FutureTask<>(() -> InetAddress.getAllByName(host));
        Thread t = new Thread(task, "ebpm-dns");
        t.setDaemon(true);
        t.start();
        try {
            return Arrays.asList(task.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new UnknownHostException(host + " (no DNS answer within " + options.connectTimeout().toMillis() + " ms)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) throw u;
            throw new UnknownHostException(host + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted");
        }
    }

    /**
     * GET with retries and redirects. Returns the final response (any status; the caller closes it). Throws
     * {@link RegistryException} naming the URL when the hub cannot be reached.
     */
    public Response get(String url, Map<String, String> headers) {
        return idempotent("GET", url, headers);
    }

    /** HEAD, as {@link #get}: a registry answers it with a manifest's or blob's digest and size, and no body. */
    public Response head(String url, Map<String, String> headers) {
        return idempotent("HEAD", url, headers);
    }

    private Response idempotent(String method, String url, Map<String, String> headers) {
        HttpUrl current = parse(url);
        for (int redirects = 0; ; redirects++) {
            Request.Builder rb = new Request.Builder().url(current).method(method, null);
            HttpUrl origin = current;
            // credentials go to the server they were meant for only (a registry redirects blobs to object storage)
            headers.forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Authorization") || sameOrigin(origin, parse(url))) rb.header(k, v);
            });
            Response r = withRetries(rb.build());
            if (!r.isRedirect()) return r;
            String location = r.header("Location");
            r.close();
            if (location == null) throw new RegistryException(method + " " + current + ": redirect without a Location");
            if (redirects >= options.maxRedirects()) {
                throw new RegistryException(method + " " + url + ": more than " + options.maxRedirects() + " redirects");
            }
            HttpUrl next = current.resolve(location);
            if (next == null) throw new RegistryException(method + " " + current + ": invalid redirect to " + location);
            if (current.isHttps() && !next.isHttps()) {
                throw new RegistryException(method + " " + current + ": refusing a redirect from https to " + next);
            }
            current = next;
        }
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
    }

    /**
     * Sends a non-idempotent request once (publish, yank): never retried, and on a fresh connection, because a
     * pooled one the server has meanwhile closed would fail it with nothing to retry.
     */
    public Response send(Request request) {
        try {
            OkHttpClient fresh = client().newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                    .retryOnConnectionFailure(false).build();
            return fresh.newCall(request).execute();
        } catch (IOException e) {
            throw unreachable(request, e);
        }
    }

    private Response withRetries(Request req) {
        long wait = options.backoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                Response r = client().newCall(req).execute();
                if (r.code() >= 500 && attempt < options.attempts()) {
                    r.close();
                } else {
                    return r;
                }
            } catch (IOException e) {
                if (!retryable(e) || attempt >= options.attempts()) throw unreachable(req, e);
                // the other idle connections to this hub may be just as dead as the one that failed
                client().connectionPool().evictAll();
            }
            sleep(wait);
            wait *= 2;
        }
    }

    /** Resets and dropped connections are worth another try; a timeout or a refused connection is not. */
    static boolean retryable(IOException e) {
        return !(e instanceof SocketTimeoutException || e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof InterruptedIOException);
    }

    static RegistryException unreachable(Request req, IOException e) {
        String why;
        if (e instanceof SocketTimeoutException) why = "timed out (" + e.getMessage() + ")";
        else if (e instanceof ConnectException) why = "connection refused";
        else if (e instanceof UnknownHostException) why = "unknown host " + e.getMessage();
        else why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new RegistryException(req.method() + " " + req.url() + ": " + why, e);
    }

    private static HttpUrl parse(String url) {
        HttpUrl u = HttpUrl.parse(url);
        if (u == null) throw new RegistryException("invalid URL " + url);
        return u;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    /** Reads a whole (small) body, refusing a declared or actual length over {@code max}. */
    public static byte[] readBounded(Response r, long max, String what) {
        long declared = r.body().contentLength();
        if (declared > max) {
            throw new RegistryException(what + ": the hub announces " + declared + " bytes, over the limit of " + max);
        }
        try (InputStream in = r.body().byteStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > max) throw new RegistryException(what + ": more than " + max + " bytes; stopped reading");
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new RegistryException(what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }
}
