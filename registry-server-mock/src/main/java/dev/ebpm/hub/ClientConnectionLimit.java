package dev.ebpm.hub;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections from one client address: one more is closed as soon as it opens, before a byte
 * of it is read, so a single host cannot take every connection slot. (Jetty's own limits count all clients together.)
 */
final class ClientConnectionLimit implements Connection.Listener {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> openPerClient = new ConcurrentHashMap<>();
    /** Each open connection's client, noted at open: a closed socket no longer tells its peer's address. */
    private final ConcurrentHashMap<Connection, InetAddress> clients = new ConcurrentHashMap<>();

    ClientConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote)) return;
        InetAddress client = remote.getAddress();
        clients.put(connection, client);
        if (openPerClient.merge(client, 1, Integer::sum) > max) connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress client = clients.remove(connection);
        if (client != null) openPerClient.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }
}
