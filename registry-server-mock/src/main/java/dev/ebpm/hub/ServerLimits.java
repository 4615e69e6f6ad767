package dev.ebpm.hub;

import java.time.Duration;

/**
 * How much the hub server lets clients hold, and for how long (docs/hub-protocol.md, "Limits"):
 *
 * @param maxConnections          open connections in all; at the limit the server stops accepting until one closes
 * @param maxConnectionsPerClient open connections from one client address; one more is closed at once
 * @param idleTimeout             a connection with nothing read or written for this long is closed
 * @param headDeadline            a request head must arrive whole within this long of its first byte
 * @param bodyGrace               a request body may take this long, plus one second per {@code minBodyRate} bytes
 * @param minBodyRate             bytes per second a request body must average, past {@code bodyGrace}
 */
public record ServerLimits(int maxConnections, int maxConnectionsPerClient, Duration idleTimeout, Duration headDeadline,
                           Duration bodyGrace, long minBodyRate) {
    public ServerLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1 || minBodyRate < 1) {
            throw new IllegalArgumentException("connection limits and the minimum body rate must be at least 1");
        }
    }

    public static ServerLimits defaults() {
        return new ServerLimits(1024, 256, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 64 * 1024);
    }

    public ServerLimits withMaxConnections(int n) {
        return new ServerLimits(n, Math.min(maxConnectionsPerClient, n), idleTimeout, headDeadline, bodyGrace, minBodyRate);
    }
}
