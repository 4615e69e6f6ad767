package dev.ebpm.core.runs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A run's event log: each line the program prints, prefixed with the UTC time it was written
 * ({@code 2025-01-02T03:04:05.678Z }, 25 bytes) so {@code ebpm logs --since} can filter; rotated when it reaches
 * its size limit, keeping one old file ({@code events.log.1}). Rotation happens between lines only.
 */
public final class EventLog extends OutputStream {
    public static final long DEFAULT_MAX_BYTES = 10L << 20;
    static final int STAMP = 24;
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final long maxBytes;
    private FileChannel channel;
    private long size;
    private boolean lineStart = true;
    private long lines;
    private long stampMillis = -1;
    private byte[] stamp;
    private byte[] scratch = new byte[8192];

    public EventLog(Path file, long maxBytes) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        open();
    }

    /** The limit from EBPM_LOG_MAX_BYTES, else 10 MiB. */
    public static long configuredMaxBytes() {
        String v = System.getenv("EBPM_LOG_MAX_BYTES");
        try {
            return v == null ? DEFAULT_MAX_BYTES : Math.max(1024, Long.parseLong(v));
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_BYTES;
        }
    }

    public static Path rotated(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
    }

    /** Lines written so far (complete ones). */
    public synchronized long lines() {
        return lines;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int n = 0;
        for (int i = off; i < off + len; i++) {
            if (lineStart) {
                n = put(n, stamp(), stamp.length);
                lineStart = false;
            }
            n = put(n, b[i]);
            if (b[i] == '\n') {
                lineStart = true;
                lines++;
            }
        }
        ByteBuffer buf = ByteBuffer.wrap(scratch, 0, n);
        while (buf.hasRemaining()) size += channel.write(buf);
        if (lineStart && size >= maxBytes) rotate();
    }

    private int put(int n, byte[] src, int len) {
        ensure(n + len);
        System.arraycopy(src, 0, scratch, n, len);
        return n + len;
    }

    private int put(int n, byte b) {
        ensure(n + 1);
        scratch[n] = b;
        return n + 1;
    }

    private void ensure(int capacity) {
        if (capacity > scratch.length) scratch = java.util.Arrays.copyOf(scratch, Math.max(capacity, scratch.length * 2));
    }

    private byte[] stamp() {
        long now = System.currentTimeMillis();
        if (now != stampMillis) {
            stampMillis = now;
            stamp = (FORMAT.format(Instant.ofEpochMilli(now)) + " ").getBytes(StandardCharsets.US_ASCII);
        }
        return stamp;
    }

    private void rotate() throws IOException {
        channel.close();
        Files.move(file, rotated(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        open();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** A stored line split into its time (null if the line has none) and what the program printed. */
    public record Line(Instant time, String text) {
        public static Line parse(String stored) {
            if (stored.length() > STAMP && stored.charAt(STAMP) == ' ' && stored.charAt(STAMP - 1) == 'Z') {
                try {
                    return new Line(Instant.parse(stored.substring(0, STAMP)), stored.substring(STAMP + 1));
                } catch (java.time.format.DateTimeParseException e) {
                    // not one of our stamps: the line as it is
                }
            }
            return new Line(null, stored);
        }
    }
}
