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
 * The one HTTP client of ebpm: every hub, registry and URL download goes through it (okhttp). Connect and read
 * timeouts, a deadline for each whole request and a minimum rate for every body ({@link TransferGuard}), so no server
 * can hold ebpm forever; GETs are retried (bounded, with backoff) on 5xx and connection resets but not on timeouts or
 * refused connections, so a dead hub costs one short timeout; redirects are followed by hand, at most
 * {@link Options#maxRedirects()}, never from https to http. In offline mode every call throws {@link OfflineException}
 * before touching the network.
 */
public final class Http {
    /** Seconds one request may take, head and body (default {@value #DEFAULT_DEADLINE_SECONDS}; 0: no deadline). */
    public static final String DEADLINE_VARIABLE = "EBPM_HTTP_DEADLINE";
    /** Bytes per second a body must average over each rate window (default {@value #DEFAULT_MIN_RATE}; 0: no minimum). */
    public static final String MIN_RATE_VARIABLE = "EBPM_HTTP_MIN_RATE";
    /** Room for the largest archive (257 MiB) at about 1 MiB/s. */
    static final long DEFAULT_DEADLINE_SECONDS = 300;
    /** Slower than 1 KiB/s for ten seconds is a stalled server, not a slow link. */
    static final long DEFAULT_MIN_RATE = 1024;

    /**
     * Network behaviour; {@link #defaults()} is what the CLI uses, with {@link #fromEnvironment} applied.
     *
     * @param deadline          the most one request may take, from sending it to the last byte of the body (0: none)
     * @param minBytesPerSecond a body arriving slower than this over a whole {@code rateWindow} is cut off (0: none)
     */
    public record Options(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff, int maxRedirects,
                          boolean offline, Duration deadline, long minBytesPerSecond, Duration rateWindow) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(20), 3, Duration.ofMillis(250), 5, false,
                    Duration.ofSeconds(DEFAULT_DEADLINE_SECONDS), DEFAULT_MIN_RATE, Duration.ofSeconds(10));
        }

        /** {@link #defaults()} with {@value #DEADLINE_VARIABLE} and {@value #MIN_RATE_VARIABLE} from {@code env}. */
        public static Options fromEnvironment(Map<String, String> env) {
            Options d = defaults();
            String deadline = env.get(DEADLINE_VARIABLE);
            String rate = env.get(MIN_RATE_VARIABLE);
            return d.limits(deadline == null || deadline.isBlank() ? d.deadline() : Duration.ofMillis(Math.round(number(DEADLINE_VARIABLE, deadline, "seconds") * 1000)),
                    rate == null || rate.isBlank() ? d.minBytesPerSecond() : Math.round(number(MIN_RATE_VARIABLE, rate, "bytes per second")), d.rateWindow());
        }

        private static double number(String variable, String value, String unit) {
            try {
                double v = Double.parseDouble(value.strip());
                if (v >= 0 && v < 1e12) return v;
            } catch (NumberFormatException e) {
                // said below
            }
            throw new RegistryException(variable + "=\"" + value + "\": expected a number of " + unit + " (0 turns the limit off)");
        }

        public Options offline(boolean off) {
            return new Options(connectTimeout, readTimeout, attempts, backoff, maxRedirects, off, deadline, minBytesPerSecond, rateWindow);
        }

        public Options timeouts(Duration connect, Duration read) {
            return new Options(connect, read, attempts, backoff, maxRedirects, offline, deadline, minBytesPerSecond, rateWindow);
        }

        /** Another deadline per request and minimum body rate (over windows of {@code window}). */
        public Options limits(Duration requestDeadline, long minRate, Duration window) {
            return new Options(connectTimeout, readTimeout, attempts, backoff, maxRedirects, offline, requestDeadline, minRate, window);
        }
    }

    private final Options options;
    private final TransferGuard guard;
    private volatile OkHttpClient client;

    public Http(Options options) {
        this.options = options;
        this.guard = new TransferGuard(options);
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
                            .callTimeout(options.deadline().toMillis(), TimeUnit.MILLISECONDS)
                            .addInterceptor(guard)
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
        long start = System.nanoTime();
        try {
            OkHttpClient fresh = client().newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                    .retryOnConnectionFailure(false).build();
            return fresh.newCall(request).execute();
        } catch (IOException e) {
            throw unreachable(request, guard.explain(e, start));
        }
    }

    private Response withRetries(Request req) {
        long wait = options.backoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                Response r = client().newCall(req).execute();
                if (r.code() >= 500 && attempt < options.attempts()) {
                    r.close();
                } else {
                    return r;
                }
            } catch (IOException caught) {
                IOException e = guard.explain(caught, start);
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
        else why = e.getMessage() == null ? "connection failed" : e.getMessage();
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
        return readBounded(r, max, what, TransferListener.Transfer.NONE);
    }

    /** The same, telling {@code progress} how far it got (a download a user waits for: an archive from a URL). */
    public static byte[] readBounded(Response r, long max, String what, TransferListener.Transfer progress) {
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
                progress.progressed(out.size());
            }
            progress.finished(out.size());
            return out.toByteArray();
        } catch (IOException e) {
            throw new RegistryException(what + ": " + (e.getMessage() == null ? "connection failed" : e.getMessage()), e);
        }
    }
}
