package dev.ebpm.hub;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A request body read as a blocking stream, with a deadline for the whole body rather than for each read: a client
 * must send it within {@code grace} plus one second per {@code minRate} bytes (of the declared length, or of what has
 * arrived so far when chunked). A drip that keeps each read alive is cut off all the same: at the deadline the request
 * content is failed, which wakes a read waiting for data. Every failure reading it is a {@link RequestBodyException}
 * (the client's fault), so the caller can tell it from a failure writing what it read.
 */
final class RequestBody extends InputStream {
    private final Request request;
    private final InputStream in;
    private final Scheduler scheduler;
    private final long declaredLength;
    private final long graceNanos;
    private final long minRate;
    private final long startNanos = System.nanoTime();
    private volatile long received;
    private volatile boolean finished;
    private volatile boolean timedOut;
    private boolean started;

    RequestBody(Request request, Scheduler scheduler, Duration grace, long minBytesPerSecond) {
        this.request = request;
        this.in = Content.Source.asInputStream(request);
        this.scheduler = scheduler;
        this.declaredLength = request.getLength();
        this.graceNanos = grace.toNanos();
        this.minRate = minBytesPerSecond;
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!started) {
            started = true;
            scheduleCheck();
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | HttpException.RuntimeException e) {
            finished = true;
            if (timedOut) throw new RequestBodyException(true, "the request body did not arrive in time (" + allowed() / 1_000_000_000 + " s for "
                    + received + " bytes)");
            throw new RequestBodyException(false, "the request body could not be read: " + reason(e));
        }
        if (n < 0) {
            finished = true;
        } else {
            received += n;
        }
        return n;
    }

    /** Nanoseconds the body may take, counting from the first read. */
    private long allowed() {
        long bytes = Math.max(declaredLength, received);
        return graceNanos + TimeUnit.SECONDS.toNanos(1) * bytes / minRate;
    }

    private void scheduleCheck() {
        long wait = allowed() - (System.nanoTime() - startNanos);
        scheduler.schedule(this::check, Math.max(wait, 0) + 1, TimeUnit.NANOSECONDS);
    }

    /** At the deadline: fail the body unless it is done, or its allowance grew with what arrived meanwhile. */
    private void check() {
        if (finished) return;
        if (System.nanoTime() - startNanos < allowed()) {
            scheduleCheck();
            return;
        }
        timedOut = true;
        request.fail(new TimeoutException("request body deadline"));
    }

    /** Why, in words: the parser's reason for a malformed body (e.g. a bad chunk size), else how the connection ended. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h && h.getReason() != null) return h.getReason();
            if (t instanceof EOFException) return "it ended early";
        }
        return "the connection failed";
    }

    /**
     * Stops the deadline. What the endpoint left unread stays: Jetty reads and drops a short remainder after the
     * response, or closes the connection (closing Jetty's stream early would fail the request and lose the response).
     */
    @Override
    public void close() {
        finished = true;
    }
}
