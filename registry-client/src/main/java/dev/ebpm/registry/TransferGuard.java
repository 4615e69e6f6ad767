package dev.ebpm.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * What keeps a slow server from holding ebpm forever, on every response body {@link Http} hands out: the body must
 * keep arriving at {@link Http.Options#minBytesPerSecond()} or faster, judged over each {@link Http.Options#rateWindow()}
 * (as curl's --speed-limit and cargo's low-speed-limit do), and a call that okhttp ends at the whole-call deadline
 * ({@link Http.Options#deadline()}, okhttp's call timeout) is said to have done so. A per-read timeout alone never
 * trips on a server that drips one byte every few seconds. Each refusal is an {@link IOException} whose message says
 * what happened, in words a user reads.
 */
final class TransferGuard implements Interceptor {
    private final Http.Options options;

    TransferGuard(Http.Options options) {
        this.options = options;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long start = System.nanoTime();
        Response r = chain.proceed(chain.request());
        return r.newBuilder().body(new GuardedBody(r.body(), start)).build();
    }

    /**
     * What a request that failed {@code start} (nanoTime) ago failed of: the deadline if it has passed (okhttp reports
     * its call timeout as a bare "timeout" once the call returns), else {@code e} itself.
     */
    IOException explain(IOException e, long start) {
        return pastDeadline(start) ? deadline(e) : e;
    }

    boolean pastDeadline(long start) {
        // okhttp's call timeout fires at the deadline; a little early is the same failure
        return !options.deadline().isZero() && System.nanoTime() - start >= options.deadline().toNanos() - 50_000_000L;
    }

    /** Interrupted, as okhttp's own timeouts are: {@link Http} retries none of them. */
    private IOException deadline(IOException cause) {
        InterruptedIOException e = new InterruptedIOException("not complete within the " + seconds(options.deadline()) + " s deadline ("
                + Http.DEADLINE_VARIABLE + ")");
        e.initCause(cause);
        return e;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    /** The response body, read through the rate check. */
    private final class GuardedBody extends ResponseBody {
        private final ResponseBody delegate;
        private final BufferedSource source;

        GuardedBody(ResponseBody delegate, long start) {
            this.delegate = delegate;
            this.source = Okio.buffer(new ForwardingSource(delegate.source()) {
                private long windowStart = start;
                private long windowBytes;

                @Override
                public long read(Buffer sink, long byteCount) throws IOException {
                    long n;
                    try {
                        n = super.read(sink, byteCount);
                    } catch (IOException e) {
                        throw pastDeadline(start) ? deadline(e) : e;
                    }
                    if (n > 0) windowBytes += n;
                    long now = System.nanoTime();
                    long window = options.rateWindow().toNanos();
                    if (n >= 0 && options.minBytesPerSecond() > 0 && now - windowStart >= window) {
                        if (windowBytes * 1_000_000_000L < options.minBytesPerSecond() * (now - windowStart)) {
                            throw new IOException("stalled: " + windowBytes + " bytes in the last " + seconds(Duration.ofNanos(now - windowStart).withNanos(0))
                                    + " s, below the minimum of " + options.minBytesPerSecond() + " bytes/s (" + Http.MIN_RATE_VARIABLE + ")");
                        }
                        windowStart = now;
                        windowBytes = 0;
                    }
                    return n;
                }
            });
        }

        @Override
        public MediaType contentType() {
            return delegate.contentType();
        }

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public BufferedSource source() {
            return source;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
