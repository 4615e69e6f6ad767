package dev.ebpm.playground;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a run sends its page, in order: the JSON lines {@code ebpm run --json} prints (events, histogram samples,
 * bpf_printk lines), notes, and at last why it ended. The run's thread never waits for the page: the queue is bounded,
 * and what does not fit is counted and reported instead of sent.
 */
final class RunMessages {
    /** One server-sent event: its type ({@code line}, {@code note}, {@code end}) and its data (one line). */
    record Message(String type, String data) {}

    static final int CAPACITY = 10_000;

    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private long droppedReported;
    private volatile String end;

    void line(String json) {
        if (!queue.offer(new Message("line", json))) dropped.incrementAndGet();
    }

    void note(String text) {
        if (!queue.offer(new Message("note", text))) dropped.incrementAndGet();
    }

    /** The run is over; sent after everything queued before it. */
    void end(String reason) {
        end = reason;
    }

    /**
     * The next message, waiting up to {@code millis}; null when there is none yet. After the last message comes the
     * end, once.
     */
    Message next(long millis) throws InterruptedException {
        long lost = dropped.get();
        if (lost != droppedReported) {
            Message m = new Message("note", (lost - droppedReported) + " lines dropped: the page reads slower than the program writes");
            droppedReported = lost;
            return m;
        }
        String ended = end; // read before polling: an end seen with an empty queue comes after every line
        Message m = queue.poll(ended != null ? 0 : millis, TimeUnit.MILLISECONDS);
        if (m != null || ended == null) return m;
        return new Message("end", ended);
    }

    /** An output stream that hands each complete UTF-8 line to {@code sink}; a last partial line on close. */
    static Lines lines(Consumer<String> sink) {
        return new Lines(sink);
    }

    /** Splits what is written into lines. */
    static final class Lines extends OutputStream {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final Consumer<String> sink;

        Lines(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            if (b == '\n') emit();
            else partial.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] != '\n') continue;
                partial.write(b, start, i - start);
                emit();
                start = i + 1;
            }
            partial.write(b, start, off + len - start);
        }

        @Override
        public void close() {
            if (partial.size() > 0) emit();
        }

        private void emit() {
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            if (!line.isBlank()) sink.accept(line);
        }
    }
}
