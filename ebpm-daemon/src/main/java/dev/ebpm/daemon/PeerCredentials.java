package dev.ebpm.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Who is on the other end of a request: the kernel's SO_PEERCRED for the Unix socket (not anything the client says),
 * as a uid. The socket's permissions already admit only root and its group; the uid decides whose runs a caller may
 * stop or read, and is recorded as a new run's owner.
 */
final class PeerCredentials {
    private PeerCredentials() {}

    /** The caller's uid, or -1 when it cannot be told (then it is treated as nobody's). */
    static int uid(Request request) {
        EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!(ep instanceof SocketChannelEndPoint sep)) return -1;
        try {
            SocketChannel ch = sep.getChannel();
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return uidOf(peer.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * The JDK names the peer by its passwd name (or by its number when there is none): back to the number through
     * /etc/passwd.
     */
    static int uidOf(String name) {
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) return Integer.parseInt(name);
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(name)) return Integer.parseInt(f[2]);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
