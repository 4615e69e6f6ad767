package dev.ebpm.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP server: Jetty 12 (core API, no servlets) serving {@link HubEndpoints}' routes, configured against slow
 * and malformed clients (each setting and why: registry-server-mock/README.md). Jetty reads requests without blocking,
 * so a slow client holds a connection, never a thread; {@link ServerLimits} bounds the connections and how long a
 * request may take to arrive.
 */
public final class HubServer implements AutoCloseable {
    /** Request line plus headers; larger heads get 431. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** How often download counts go to the database (what a kill -9 may lose). */
    static final long DOWNLOADS_FLUSH_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final String host;

    private HubServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    /** Binds and starts with the default limits, at most {@code maxConnections} open connections; port 0 picks a free port. */
    public static HubServer start(HubStore store, InetSocketAddress address, int maxConnections) throws IOException {
        return start(store, address, ServerLimits.defaults().withMaxConnections(maxConnections));
    }

    public static HubServer start(HubStore store, InetSocketAddress address, ServerLimits limits) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("hub");
        threads.setDaemon(true);
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(MAX_HEAD_BYTES);
        // RFC 9110 framing with no leniency: Content-Length with Transfer-Encoding, whitespace before a header's
        // colon, bare CR or LF line ends, and bad chunk sizes are all refused with 400 and the connection closed
        http.setHttpCompliance(HttpCompliance.RFC9110);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());

        RequestHeadDeadline heads = new RequestHeadDeadline(server.getScheduler(), limits.headDeadline());
        connector.addBean(heads);
        connector.addBean(new ClientConnectionLimit(limits.maxConnectionsPerClient()));
        NetworkConnectionLimit total = new NetworkConnectionLimit(limits.maxConnections(), connector);
        // while at the limit, idle connections give way sooner
        total.setEndPointIdleTimeout(limits.headDeadline().toMillis());
        server.addBean(total);
        server.addConnector(connector);

        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(new HubHandler(new HubEndpoints(store).routes(), heads, limits));
        try {
            server.start();
        } catch (IOException e) {
            stopAfterFailedStart(server, e);
            throw new IOException("cannot serve at " + address + ": " + e.getMessage(), e);
        } catch (Exception e) {
            stopAfterFailedStart(server, e);
            throw new IllegalStateException("the hub server did not start: " + e.getMessage(), e);
        }
        flushDownloadsLater(server.getScheduler(), store);
        return new HubServer(server, connector, address.getHostString());
    }

    /** Stores the download counts every few seconds while the server runs (the store stores the rest when it closes). */
    private static void flushDownloadsLater(Scheduler scheduler, HubStore store) {
        scheduler.schedule(() -> {
            try {
                store.flushDownloads();
            } catch (RuntimeException e) {
                LOG.warn("storing download counts: {}", e.getMessage());
            }
            if (scheduler.isRunning()) flushDownloadsLater(scheduler, store);
        }, DOWNLOADS_FLUSH_SECONDS, TimeUnit.SECONDS);
    }

    private static void stopAfterFailedStart(Server server, Exception cause) {
        try {
            server.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        return URI.create("http://" + host + ":" + port() + "/");
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the hub server: " + e.getMessage(), e);
        }
    }
}
