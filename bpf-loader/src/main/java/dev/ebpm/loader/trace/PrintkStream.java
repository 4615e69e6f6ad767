package dev.ebpm.loader.trace;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.TextFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines BPF programs write with {@code bpf_printk}, read from a tracefs instance of ebpm's own
 * ({@code instances/ebpm-PID-N}) with only the {@code bpf_trace/bpf_trace_printk} event enabled: the top-level
 * {@code trace_pipe} is left to other readers (reading a pipe consumes it, so two readers would each miss lines).
 * The event itself is machine-wide: every BPF program's bpf_printk lands in every instance that enables it.
 * The instance is removed on close; one left by a process killed with -9 is removed by the next open.
 */
public final class PrintkStream implements AutoCloseable {
    private static final String INSTANCE_PREFIX = "ebpm-";
    private static final String EVENT = "events/bpf_trace/bpf_trace_printk/enable";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    // "            sh-1234    [001] d..31  1234.567890: bpf_trace_printk: message"
    private static final Pattern LINE = Pattern.compile("^\\s*(.*)-(\\d+)\\s+(?:\\(.*?\\)\\s+)?\\[\\d+\\].*?:\\s+bpf_trace_printk:\\s?(.*)$");

    /** One bpf_printk line: the task it ran in (comm and pid as the tracer saw them) and the text. */
    private record Line(String comm, long pid, String message) {}

    private final Path instance;
    private final TextFile pipe;
    private final byte[] chunk = new byte[1 << 16];
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
    private boolean closed;

    private PrintkStream(Path instance, TextFile pipe) {
        this.instance = instance;
        this.pipe = pipe;
    }

    /** Creates the instance and opens its pipe; mounts tracefs when it is missing. */
    public static PrintkStream open() {
        KernelSupport.ensureTracefs();
        Path tracefs = KernelSupport.tracefsPath().orElseThrow();
        Path instances = tracefs.resolve("instances");
        removeStaleInstances(instances);
        Path instance = instances.resolve(INSTANCE_PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
        try {
            Files.createDirectory(instance); // tracefs makes a whole trace buffer for the new directory
        } catch (IOException e) {
            throw new BpfException("cannot create the tracefs instance " + instance + " to read bpf_printk output: " + e.getMessage());
        }
        try {
            Files.writeString(instance.resolve(EVENT), "1");
            return new PrintkStream(instance, new TextFile(instance.resolve("trace_pipe").toString(), 1 << 16));
        } catch (IOException | NativeException e) {
            removeInstance(instance);
            throw new BpfException("cannot read bpf_printk output through " + instance + ": " + e.getMessage());
        }
    }

    /** The pipe's fd, to wait on with the run's other buffers. */
    public int fd() {
        return pipe.fd();
    }

    /**
     * The other tracers that read bpf_printk's machine-wide stream: processes with a tracefs pipe open
     * ("1234 (cat) reads trace_pipe") and other tracefs instances with the event on. They do not take this stream's
     * lines, nor it theirs; but every BPF program's bpf_printk shows in all of them.
     */
    public List<String> sharedWith() {
        List<String> out = new ArrayList<>();
        for (String reader : otherReaders()) out.add(reader + " reads trace_pipe");
        try (DirectoryStream<Path> all = Files.newDirectoryStream(instance.getParent())) {
            for (Path other : all) {
                if (other.equals(instance)) continue;
                try {
                    if (Files.readString(other.resolve(EVENT)).strip().equals("1")) out.add("tracefs instance " + other.getFileName());
                } catch (IOException e) {
                    // removed meanwhile
                }
            }
        } catch (IOException e) {
            // no instances to look at
        }
        return out;
    }

    private static List<String> otherReaders() {
        List<String> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                if (Long.parseLong(proc.getFileName().toString()) == self) continue;
                if (readsTracePipe(proc)) out.add(proc.getFileName() + " (" + comm(proc) + ")");
            }
        } catch (IOException e) {
            // /proc unreadable: nothing to say
        }
        return out;
    }

    private static boolean readsTracePipe(Path proc) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.endsWith("/trace_pipe") && (target.contains("/tracing/"))) return true;
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // process gone, or not ours to look at
        }
        return false;
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Reads what the pipe holds and appends each complete line to {@code out}, marked as bpf_printk output. */
    public void drain(TextSink out, boolean json) {
        int n;
        while ((n = pipe.read(chunk)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') continue;
                partial.write(chunk, start, i - start);
                emit(partial.toString(StandardCharsets.UTF_8), out, json);
                partial.reset();
                start = i + 1;
            }
            partial.write(chunk, start, n - start);
        }
    }

    private static void emit(String raw, TextSink out, boolean json) {
        Optional<Line> parsed = parse(raw);
        if (parsed.isEmpty() || parsed.get().message().isBlank()) return; // a format's own "\n" ends as an empty line
        Line l = parsed.get();
        if (json) {
            out.ascii("{\"bpf_printk\":");
            jsonString(l.message(), out);
            out.ascii(",\"comm\":");
            jsonString(l.comm(), out);
            out.ascii(",\"pid\":").dec(l.pid()).ascii("}\n");
        } else {
            LocalTime t = LocalTime.now();
            out.ascii(String.format("%02d:%02d:%02d bpf_printk ", t.getHour(), t.getMinute(), t.getSecond()));
            utf8(l.comm() + "-" + l.pid() + ": " + l.message(), out);
            out.ch('\n');
        }
    }

    /** One trace_pipe line of the bpf_trace_printk event, if it is one. */
    private static Optional<Line> parse(String raw) {
        Matcher m = LINE.matcher(raw);
        if (!m.matches()) return Optional.empty();
        return Optional.of(new Line(m.group(1).strip(), Long.parseLong(m.group(2)), m.group(3).stripTrailing()));
    }

    private static void utf8(String s, TextSink out) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) out.raw(b);
    }

    private static void jsonString(String s, TextSink out) {
        out.ch('"');
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            if (b == '"' || b == '\\') out.ch('\\').raw(b);
            else if (b >= 0 && b < 0x20) out.ascii(String.format("\\u%04x", b));
            else out.raw(b);
        }
        out.ch('"');
    }

    /** Closes the pipe and removes the instance (the kernel frees its buffer). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pipe.close();
        removeInstance(instance);
    }

    private static void removeInstance(Path instance) {
        try {
            Files.deleteIfExists(instance); // rmdir: tracefs removes the instance's files with it
        } catch (IOException e) {
            // busy (a reader still has its pipe open): the next open removes it once its process is gone
        }
    }

    /** Instances of ebpm processes that no longer exist (killed with -9). */
    private static void removeStaleInstances(Path instances) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(instances, INSTANCE_PREFIX + "*")) {
            for (Path p : all) {
                String[] parts = p.getFileName().toString().split("-");
                if (parts.length != 3 || !parts[1].matches("\\d+")) continue;
                if (ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) removeInstance(p);
            }
        } catch (IOException e) {
            // no instances directory: open says so
        }
    }
}
