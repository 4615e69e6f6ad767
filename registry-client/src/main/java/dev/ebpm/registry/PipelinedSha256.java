package dev.ebpm.registry;

import dev.ebpm.pkg.Digests;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-256 on a second thread, so hashing a download overlaps reading the socket and writing the file. Buffers
 * circulate between the two threads; {@link #freeBuffer()} blocks while all are being hashed.
 */
final class PipelinedSha256 implements AutoCloseable {
    private static final int BUFFERS = 8;
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final byte[] END = new byte[0];

    private record Chunk(byte[] data, int length) {}

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final MessageDigest md = Digests.newSha256();
    private final Thread worker;
    private volatile Throwable failure;

    PipelinedSha256() {
        for (int i = 0; i < BUFFERS; i++) free.add(new byte[BUFFER_SIZE]);
        worker = new Thread(this::run, "ebpm-sha256");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c.data() == END) return;
                md.update(c.data(), 0, c.length());
                free.put(c.data());
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    byte[] freeBuffer() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    void update(byte[] buf, int length) {
        try {
            full.put(new Chunk(buf, length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
    }

    /** Waits for every queued buffer to be hashed; the hex digest of everything given to {@link #update}. */
    String finish() {
        try {
            full.put(new Chunk(END, 0));
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted");
        }
        if (failure != null) throw new IllegalStateException("hashing failed", failure);
        return Digests.hex(md.digest());
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
