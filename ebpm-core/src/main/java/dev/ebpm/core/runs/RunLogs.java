package dev.ebpm.core.runs;

import dev.ebpm.core.session.Session;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * {@code ebpm logs ID [-f]}: the lines a detached run wrote to its event log (the rotated file first), each handed to a
 * {@link Sink}; with follow, new lines as they come, across rotations, until the run ends.
 */
public final class RunLogs {
    /** Receives the lines; {@code flush} after each batch. */
    public interface Sink {
        void line(String text);

        void flush();
    }

    private final Session session;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Instant from;
    private boolean timestamps;

    public RunLogs(Session session) {
        this.session = session;
    }

    /**
     * @param since      only lines written after this (null: all)
     * @param timestamps keep each line's stored UTC time in front of it
     */
    public void print(String id, Instant since, boolean timestamps, boolean follow, Sink out) throws IOException, InterruptedException {
        this.from = since;
        this.timestamps = timestamps;
        DetachedRuns runs = new DetachedRuns(session);
        RunRecord r = runs.find(id);
        LocalStore s = session.store();
        Path log = runs.eventLog(id);
        Tail current = Tail.open(log);
        try {
            copy(EventLog.rotated(log), out);
            if (current != null) drain(current.file, out);
            if (!follow) {
                flushPartial(out);
                return;
            }
            while (true) {
                boolean alive = Reconciler.reconcile(s, s.runs().find(id).orElse(r)).state().live();
                if (current == null || current.rotatedAway(log)) {
                    if (current != null) {
                        drain(current.file, out);
                        current.file.close();
                    }
                    current = Tail.open(log);
                }
                if (current != null) drain(current.file, out);
                if (!alive) {
                    flushPartial(out);
                    return;
                }
                Thread.sleep(100);
            }
        } finally {
            if (current != null) current.file.close();
        }
    }

    /** An open log file and the identity (device, inode) it had when opened, to notice rotation. */
    private record Tail(RandomAccessFile file, Object key) {
        static Tail open(Path p) throws IOException {
            for (int attempt = 0; attempt < 10; attempt++) {
                Object before = key(p);
                if (before == null) return null;
                RandomAccessFile f;
                try {
                    f = new RandomAccessFile(p.toFile(), "r");
                } catch (FileNotFoundException e) {
                    continue;
                }
                if (before.equals(key(p))) return new Tail(f, before);
                f.close(); // rotated between the two looks: try again
            }
            return null;
        }

        boolean rotatedAway(Path p) throws IOException {
            Object now = key(p);
            return now != null && !now.equals(key);
        }

        private static Object key(Path p) throws IOException {
            try {
                return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }

    private void copy(Path p, Sink out) throws IOException {
        RandomAccessFile f;
        try {
            f = new RandomAccessFile(p.toFile(), "r");
        } catch (FileNotFoundException e) {
            return; // never rotated
        }
        try (f) {
            drain(f, out);
            flushPartial(out);
        }
    }

    private void drain(RandomAccessFile f, Sink out) throws IOException {
        byte[] buf = new byte[65536];
        int n;
        boolean wrote = false;
        while ((n = f.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    partial.write(buf, start, i - start);
                    emit(partial.toString(StandardCharsets.UTF_8), out);
                    partial.reset();
                    start = i + 1;
                    wrote = true;
                }
            }
            partial.write(buf, start, n - start);
        }
        if (wrote) out.flush();
    }

    private void flushPartial(Sink out) {
        if (partial.size() > 0) {
            emit(partial.toString(StandardCharsets.UTF_8), out);
            partial.reset();
        }
        out.flush();
    }

    private void emit(String stored, Sink out) {
        EventLog.Line l = EventLog.Line.parse(stored);
        if (from != null && l.time() != null && l.time().isBefore(from)) return;
        out.line(timestamps ? stored : l.text());
    }
}
