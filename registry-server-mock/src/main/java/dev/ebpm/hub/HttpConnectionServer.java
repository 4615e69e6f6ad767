package dev.ebpm.hub;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server: one pooled thread per connection (at most {@code maxConnections}; beyond that a 503),
 * keep-alive, Content-Length and chunked request bodies, {@code Expect: 100-continue} answered only when the handler
 * starts reading the body, files sent with sendfile. Headers are bounded (16 KiB) and idle connections time out.
 * The JDK's HttpServer would do, but hands every request between threads and writes headers and body separately,
 * which costs about half the throughput on small documents.
 */
final class HttpConnectionServer implements AutoCloseable {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** A parsed request; header names are matched case-insensitively. */
    record Request(String method, String path, String query, Map<String, String> headers, InputStream body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** What to answer: a status, headers, and a body that is bytes, a file, or nothing. */
    record Reply(int status, Map<String, String> headers, byte[] body, Path file, long fileSize) {
        static Reply bytes(int status, String type, byte[] body) {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.put("Content-Type", type);
            return new Reply(status, h, body, null, -1);
        }

        static Reply file(String type, Path file, long size) {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.put("Content-Type", type);
            return new Reply(200, h, null, file, size);
        }

        static Reply empty(int status) {
            return new Reply(status, new TreeMap<>(String.CASE_INSENSITIVE_ORDER), null, null, -1);
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        long length() {
            return body != null ? body.length : file != null ? fileSize : 0;
        }
    }

    interface Handler {
        Reply handle(Request request) throws IOException;
    }

    private final ServerSocketChannel server;
    private final ThreadPoolExecutor pool;
    private final Handler handler;
    private final int idleTimeoutMillis;
    private final long maxDiscard;
    private final Thread acceptor;

    HttpConnectionServer(InetSocketAddress address, int maxConnections, int idleTimeoutMillis, long maxDiscard, Handler handler) throws IOException {
        this.handler = handler;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxDiscard = maxDiscard;
        this.server = ServerSocketChannel.open();
        server.bind(address, 1024);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "hub-conn-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "hub-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            try {
                pool.execute(() -> serve(ch));
            } catch (RejectedExecutionException e) {
                try (ch) {
                    byte[] busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1);
                    ch.socket().getOutputStream().write(busy);
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            ch.socket().setTcpNoDelay(true);
            ch.socket().setSoTimeout(idleTimeoutMillis);
            HeadReader in = new HeadReader(ch.socket().getInputStream());
            OutputStream out = new BufferedOutputStream(ch.socket().getOutputStream(), 64 * 1024);
            while (true) {
                Request req;
                boolean expectContinue;
                boolean keepAlive;
                BodyStream body;
                try {
                    List<String> head = in.readHead();
                    if (head == null) return;
                    String[] line = head.get(0).split(" ");
                    if (line.length != 3 || !line[2].startsWith("HTTP/1.")) {
                        write(out, Reply.bytes(400, "text/plain", "bad request line\n".getBytes(StandardCharsets.UTF_8)), false, false);
                        out.flush();
                        return;
                    }
                    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (int i = 1; i < head.size(); i++) {
                        String h = head.get(i);
                        int c = h.indexOf(':');
                        if (c <= 0) throw new BadRequest("malformed header");
                        headers.merge(h.substring(0, c).strip(), h.substring(c + 1).strip(), (a, b) -> a + ", " + b);
                    }
                    String conn = headers.getOrDefault("Connection", "").toLowerCase(Locale.ROOT);
                    keepAlive = line[2].equals("HTTP/1.1") ? !conn.contains("close") : conn.contains("keep-alive");
                    expectContinue = "100-continue".equalsIgnoreCase(headers.get("Expect"));
                    body = bodyOf(headers, in, expectContinue ? out : null);
                    String target = line[1];
                    int q = target.indexOf('?');
                    req = new Request(line[0], q >= 0 ? target.substring(0, q) : target, q >= 0 ? target.substring(q + 1) : null, headers, body);
                } catch (BadRequest e) {
                    write(out, Reply.bytes(400, "application/json", ("{\"error\":\"" + e.getMessage() + "\",\"code\":\"bad_request\"}")
                            .getBytes(StandardCharsets.UTF_8)), false, false);
                    out.flush();
                    return;
                }
                Reply reply = handler.handle(req);
                // unread body: drop a modest remainder so the connection stays usable; else close rather than read it
                boolean reusable = keepAlive && (!expectContinue || body.continued()) && body.discard(maxDiscard);
                write(out, reply, req.method().equals("HEAD"), reusable);
                if (reply.file() != null && !req.method().equals("HEAD")) {
                    out.flush();
                    try (FileChannel f = FileChannel.open(reply.file(), StandardOpenOption.READ)) {
                        long pos = 0;
                        while (pos < reply.fileSize()) pos += f.transferTo(pos, reply.fileSize() - pos, ch);
                    }
                }
                out.flush();
                if (!reusable) return;
            }
        } catch (SocketTimeoutException | EOFException e) {
            // idle or half a request: drop the connection
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void write(OutputStream out, Reply r, boolean head, boolean keepAlive) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        for (Map.Entry<String, String> h : r.headers().entrySet()) sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        if (r.status() != 304 && r.status() != 204) sb.append("Content-Length: ").append(r.length()).append("\r\n");
        if (!keepAlive) sb.append("Connection: close\r\n");
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head && r.body() != null) out.write(r.body());
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static final class BadRequest extends IOException {
        BadRequest(String m) {
            super(m);
        }
    }

    private BodyStream bodyOf(Map<String, String> headers, HeadReader in, OutputStream continueTo) throws BadRequest {
        String te = headers.get("Transfer-Encoding");
        String cl = headers.get("Content-Length");
        if (te != null) {
            if (!te.equalsIgnoreCase("chunked")) throw new BadRequest("unsupported Transfer-Encoding " + te);
            return new BodyStream(in, -1, continueTo);
        }
        if (cl == null) return new BodyStream(in, 0, null);
        try {
            long n = Long.parseLong(cl.strip());
            if (n < 0) throw new NumberFormatException();
            return new BodyStream(in, n, continueTo);
        } catch (NumberFormatException e) {
            throw new BadRequest("invalid Content-Length");
        }
    }

    /** A request body: fixed length, or chunked ({@code length} -1); sends 100 Continue on first read if asked to. */
    static final class BodyStream extends FilterInputStream {
        private long remaining; // fixed: bytes left; chunked: bytes left in the current chunk
        private final boolean chunked;
        private boolean done;
        private OutputStream continueTo;
        private boolean continued;

        BodyStream(HeadReader in, long length, OutputStream continueTo) {
            super(in);
            this.chunked = length < 0;
            this.remaining = chunked ? 0 : length;
            this.done = length == 0;
            this.continueTo = continueTo;
        }

        boolean continued() {
            return continued || continueTo == null;
        }

        private void sendContinue() throws IOException {
            if (continueTo != null) {
                continueTo.write(CONTINUE);
                continueTo.flush();
                continueTo = null;
                continued = true;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            sendContinue();
            if (chunked && remaining == 0) {
                if (!nextChunk()) return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("request body ended early");
            remaining -= n;
            if (!chunked && remaining == 0) done = true;
            return n;
        }

        private boolean nextChunk() throws IOException {
            HeadReader r = (HeadReader) in;
            if (continuedChunk) r.readLine(); // CRLF after the previous chunk's data
            String size = r.readLine();
            if (size == null) throw new EOFException("chunked body ended early");
            int semi = size.indexOf(';');
            try {
                remaining = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size");
            }
            continuedChunk = true;
            if (remaining == 0) {
                // trailers end with an empty line
                for (String t = r.readLine(); t != null && !t.isEmpty(); t = r.readLine()) { }
                done = true;
                return false;
            }
            return true;
        }

        private boolean continuedChunk;

        /** Reads and drops what the handler left, up to {@code max}; false if more was left (close instead). */
        boolean discard(long max) throws IOException {
            if (done) return true;
            if (!continued()) return false;
            if (!chunked && remaining > max) return false;
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = read(buf, 0, buf.length)) > 0) {
                total += n;
                if (total > max) return false;
            }
            return true;
        }
    }

    /** Buffered reader of request heads and chunk lines (ISO-8859-1, CRLF or LF), bounded. */
    static final class HeadReader extends InputStream {
        private final InputStream in;
        private final byte[] buf = new byte[16 * 1024];
        private int pos;
        private int lim;

        HeadReader(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (pos < lim) return true;
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) return false;
            pos = 0;
            lim = n;
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos < lim) {
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            return in.read(b, off, len);
        }

        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (!fill()) return sb.length() == 0 ? null : sb.toString();
                byte c = buf[pos++];
                if (c == '\n') {
                    int l = sb.length();
                    if (l > 0 && sb.charAt(l - 1) == '\r') sb.setLength(l - 1);
                    return sb.toString();
                }
                if (sb.length() >= MAX_HEAD_BYTES) throw new BadRequest("request line or header too long");
                sb.append((char) (c & 0xff));
            }
        }

        /** The request line and header lines, or null at a clean end of stream between requests. */
        List<String> readHead() throws IOException {
            List<String> lines = new ArrayList<>();
            int total = 0;
            String first = readLine();
            while (first != null && first.isEmpty()) first = readLine(); // tolerate stray CRLF between requests
            if (first == null) return null;
            lines.add(first);
            while (true) {
                String l = readLine();
                if (l == null) throw new EOFException("request head ended early");
                if (l.isEmpty()) return lines;
                total += l.length();
                if (total > MAX_HEAD_BYTES || lines.size() > MAX_HEADERS) throw new BadRequest("request head too large");
                lines.add(l);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        pool.shutdownNow();
    }
}
