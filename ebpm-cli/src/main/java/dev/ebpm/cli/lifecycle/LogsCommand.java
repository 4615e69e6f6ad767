package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.UserError;
import dev.ebpm.cli.store.StoreOptions;
import dev.ebpm.store.LocalStore;
import dev.ebpm.store.RunRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = {
    "Print the events a detached run printed (JSON lines for eBPF packages, the guest's stdout for WASM ones).",
})
public final class LogsCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+(?:\\.\\d+)?)s)?");

    @Parameters(index = "0", paramLabel = "ID", description = "a run id (see ebpm ps -a)")
    String id;

    @Option(names = {"-f", "--follow"}, description = "keep printing new events until the run ends (or Ctrl-C)")
    boolean follow;

    @Option(names = "--since", paramLabel = "DURATION|TIMESTAMP",
            description = "only events written after this: a duration ago (30s, 5m, 1h30m, 2d) or a time (2025-01-02T15:04:05Z, or local 2025-01-02T15:04:05)")
    String since;

    @Option(names = {"-t", "--timestamps"}, description = "prefix each line with the UTC time it was written")
    boolean timestamps;

    @Mixin StoreOptions store = new StoreOptions();

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Instant from;

    @Override
    public Integer call() throws IOException, InterruptedException {
        RunId.require(id);
        from = since == null ? null : parseSince(since, Instant.now());
        Path root = store.root();
        RunDirectory dir = RunDirectory.of(root, id);
        try (LocalStore s = LocalStore.open(root)) {
            RunRecord r = s.runs().find(id).orElseThrow(() -> new UserError("no run with id " + id + " (see ebpm ps -a)"));
            Reconciler.checkOwner(r);
            PrintStream out = System.out;
            Path log = dir.events();
            Tail current = Tail.open(log);
            try {
                copy(EventLog.rotated(log), out);
                if (current != null) drain(current.file, out);
                if (!follow) {
                    flushPartial(out);
                    return 0;
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
                        return 0;
                    }
                    Thread.sleep(100);
                }
            } finally {
                if (current != null) current.file.close();
            }
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
                } catch (java.io.FileNotFoundException e) {
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

    private static RandomAccessFile openOrNull(Path p) throws IOException {
        try {
            return new RandomAccessFile(p.toFile(), "r");
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    private void copy(Path p, PrintStream out) throws IOException {
        RandomAccessFile f = openOrNull(p);
        if (f == null) return;
        try (f) {
            drain(f, out);
            flushPartial(out);
        }
    }

    private void drain(RandomAccessFile f, PrintStream out) throws IOException {
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

    private void flushPartial(PrintStream out) {
        if (partial.size() > 0) {
            emit(partial.toString(StandardCharsets.UTF_8), out);
            partial.reset();
        }
        out.flush();
    }

    private void emit(String stored, PrintStream out) {
        EventLog.Line l = EventLog.Line.parse(stored);
        if (from != null && l.time() != null && l.time().isBefore(from)) return;
        out.println(timestamps ? stored : l.text());
    }

    /** 30s, 5m, 1h30m, 2d, 0.5s; or an ISO instant; or a local date-time. */
    static Instant parseSince(String s, Instant now) {
        Matcher m = DURATION.matcher(s);
        if (!s.isEmpty() && m.matches()) {
            double secs = 0;
            if (m.group(1) != null) secs += Long.parseLong(m.group(1)) * 86400.0;
            if (m.group(2) != null) secs += Long.parseLong(m.group(2)) * 3600.0;
            if (m.group(3) != null) secs += Long.parseLong(m.group(3)) * 60.0;
            if (m.group(4) != null) secs += Double.parseDouble(m.group(4));
            return now.minus(Duration.ofMillis((long) (secs * 1000)));
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // try a local date-time
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new UserError("--since expects a duration (30s, 5m, 1h30m, 2d) or a time (2025-01-02T15:04:05Z), got '"
                    + RunId.printable(s) + "'");
        }
    }
}
