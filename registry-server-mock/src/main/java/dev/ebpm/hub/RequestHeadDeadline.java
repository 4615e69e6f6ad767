package dev.ebpm.hub;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A request head (request line and headers) must arrive whole within {@code deadline} of its first byte, or the
 * connection is closed. Jetty's idle timeout counts from the last byte read, so a client sending one byte every few
 * seconds would otherwise keep a connection forever; this counts from the first. A connection waiting between requests
 * with nothing sent is left to the idle timeout.
 *
 * <p>Each connection is checked every {@code deadline / 4} (at most every second) by one scheduled sweep; the hub's
 * handler tells when a request is being handled ({@link #requestStarted}) and when its response is done
 * ({@link #requestEnded}), and bytes arriving outside that window belong to the next head.
 */
final class RequestHeadDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final class Watch {
        volatile boolean handling;
        volatile long bytesAtLastResponse;
        volatile long headStartNanos; // 0: no byte of a new head seen yet
    }

    private final Scheduler scheduler;
    private final long deadlineNanos;
    private final long sweepNanos;
    private final ConcurrentHashMap<Connection, Watch> watched = new ConcurrentHashMap<>();
    private volatile Scheduler.Task next;

    RequestHeadDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadlineNanos = deadline.toNanos();
        this.sweepNanos = Math.min(deadline.toNanos() / 4, TimeUnit.SECONDS.toNanos(1));
    }

    @Override
    protected void doStart() {
        next = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void doStop() {
        Scheduler.Task t = next;
        if (t != null) t.cancel();
        watched.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        watched.put(connection, new Watch());
    }

    @Override
    public void onClosed(Connection connection) {
        watched.remove(connection);
    }

    void requestStarted(Connection connection) {
        Watch w = watched.get(connection);
        if (w != null) w.handling = true;
    }

    void requestEnded(Connection connection) {
        Watch w = watched.get(connection);
        if (w == null) return;
        w.bytesAtLastResponse = connection.getBytesIn();
        w.headStartNanos = 0;
        w.handling = false;
    }

    private void sweep() {
        long now = System.nanoTime();
        watched.forEach((connection, w) -> {
            if (w.handling || connection.getBytesIn() == w.bytesAtLastResponse) return;
            long start = w.headStartNanos;
            if (start == 0) {
                w.headStartNanos = now;
            } else if (now - start > deadlineNanos) {
                connection.getEndPoint().close();
            }
        });
        if (isRunning()) next = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }
}
