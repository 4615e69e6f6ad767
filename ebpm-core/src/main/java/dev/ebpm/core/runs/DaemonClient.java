package dev.ebpm.core.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.core.run.RunException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The CLI's side of the daemon's API: HTTP/1.1 over the daemon's Unix socket, JSON bodies (docs/lifecycle.md lists the
 * routes). The JDK's Unix-domain {@link SocketChannel} and a request written by hand keep it cheap to start: no HTTP
 * library is loaded for it. One request per connection ({@code Connection: close}).
 */
public final class DaemonClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path socket;

    public DaemonClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** The daemon does not answer on its socket: none runs (no socket, or a stale one), or this user may not use it. */
    public static final class Unreachable extends RuntimeException {
        private final boolean denied;

        Unreachable(String message, boolean denied) {
            super(message);
            this.denied = denied;
        }

        /** The socket exists but its permissions keep this user out. */
        public boolean denied() {
            return denied;
        }
    }

    /** An answer: the HTTP status and the body. */
    public record Reply(int status, byte[] body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new RunException("the ebpm daemon answered " + status + " with a body that is not JSON");
            }
        }

        /** The daemon's one-line error ({@code {"error": "..."}}) unless the status says success. */
        public Reply orThrow() {
            if (status >= 200 && status < 300) return this;
            JsonNode n;
            try {
                n = JSON.readTree(body);
            } catch (IOException e) {
                n = null;
            }
            throw new RunException(n != null && n.hasNonNull("error") ? n.get("error").asText() : "the ebpm daemon answered HTTP " + status);
        }
    }

    /** Whether a daemon answers on the socket. */
    public boolean reachable() {
        try {
            connect().close();
            return true;
        } catch (Unreachable | IOException e) {
            return false;
        }
    }

    public Reply get(String path, Duration timeout) {
        return request("GET", path, null, timeout);
    }

    public Reply post(String path, Object body, Duration timeout) {
        try {
            return request("POST", path, body == null ? null : JSON.writeValueAsBytes(body), timeout);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request and reads the whole answer, waiting at most {@code timeout} for it (the connection is closed
     * then, which ends the read).
     */
    public Reply request(String method, String path, byte[] body, Duration timeout) {
        SocketChannel ch = connect();
        Thread watchdog = closeAfter(ch, timeout);
        try (ch) {
            send(ch, method, path, body);
            return read(new BufferedInputStream(Channels.newInputStream(ch)));
        } catch (IOException e) {
            if (!watchdog.isAlive()) throw new RunException("the ebpm daemon did not answer " + method + " " + path + " within " + timeout.toSeconds() + " s");
            throw new RunException("the ebpm daemon's connection failed: " + e.getMessage());
        } finally {
            watchdog.interrupt();
        }
    }

    /** For streamed answers (logs --follow): the body as it comes, until the daemon ends it; closing it hangs up. */
    public InputStream stream(String path) {
        SocketChannel ch = connect();
        try {
            send(ch, "GET", path, null);
            BufferedInputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            Head head = readHead(in);
            if (head.status != 200) {
                Reply r = new Reply(head.status, readBody(in, head));
                ch.close();
                r.orThrow();
            }
            return head.chunked ? new ChunkedInput(in) : in;
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a failed connection
            }
            throw new RunException("the ebpm daemon's connection failed: " + e.getMessage());
        }
    }

    private SocketChannel connect() {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing was connected
                }
            }
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            boolean denied = why.toLowerCase(Locale.ROOT).contains("permission denied");
            throw new Unreachable(denied
                    ? "cannot use the ebpm daemon's socket " + socket + ": permission denied (it admits root and its group only)"
                    : "no ebpm daemon answers on " + socket + " (" + why + ")", denied);
        }
    }

    private static Thread closeAfter(SocketChannel ch, Duration timeout) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                ch.close();
            } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
            }
        }, "ebpm-daemon-request-deadline");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void send(SocketChannel ch, String method, String path, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ebpm\r\nConnection: close\r\n");
        if (body != null) head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        head.append("\r\n");
        ByteBuffer h = ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.US_ASCII));
        while (h.hasRemaining()) ch.write(h);
        if (body != null) {
            ByteBuffer b = ByteBuffer.wrap(body);
            while (b.hasRemaining()) ch.write(b);
        }
    }

    private record Head(int status, long length, boolean chunked) {}

    private static Reply read(InputStream in) throws IOException {
        Head head = readHead(in);
        return new Reply(head.status, readBody(in, head));
    }

    private static Head readHead(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP answer: " + RunId.printable(status));
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) length = Long.parseLong(value);
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
        }
        return new Head(Integer.parseInt(parts[1]), length, chunked);
    }

    private static byte[] readBody(InputStream in, Head head) throws IOException {
        if (head.chunked) return new ChunkedInput(in).readAllBytes();
        if (head.length >= 0) return in.readNBytes((int) head.length);
        return in.readAllBytes();
    }

    /** One CRLF-terminated header line, in ASCII. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
            if (b.size() > 8192) throw new IOException("header line too long");
        }
        if (c < 0 && b.size() == 0) throw new EOFException("the daemon closed the connection");
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** HTTP/1.1 chunked transfer coding: size line, data, CRLF, ..., a zero-size chunk. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (left == 0) {
                    done = true;
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("the daemon ended the answer mid-chunk");
            left -= n;
            if (left == 0) line(in); // the CRLF after the chunk's data
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
