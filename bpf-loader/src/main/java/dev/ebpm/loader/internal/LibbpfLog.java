package dev.ebpm.loader.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Receives libbpf's own log lines. They are kept (per thread) so an error can quote the
 * relevant line, and echoed to stderr only when the user asked for {@code --verbose}: by
 * default a failed load should print one line of ours, not libbpf's page of warnings.
 */
public final class LibbpfLog {
    public static final int WARN = 0, INFO = 1, DEBUG = 2;
    private static final int BUFFER_SIZE = 1 << 20;
    private static final int MAX_LINES = 10_000;
    // libbpf 1.x names the program the kernel refused only in this warning
    private static final Pattern FAILED_PROG = Pattern.compile("prog '([^']+)': failed to load");

    private static volatile int echoLevel = -1;
    private static final ThreadLocal<List<String>> LINES = ThreadLocal.withInitial(ArrayList::new);
    private static final ThreadLocal<Pointer> BUFFER = new ThreadLocal<>();
    private static LibBpf.PrintFn callback; // strong reference: native code holds only the stub

    private LibbpfLog() {}

    static void install(Native n) {
        callback = (level, format, args) -> {
            Pointer buf = BUFFER.get();
            if (buf == null) {
                buf = Memory.allocateDirect(n.runtime, BUFFER_SIZE);
                BUFFER.set(buf);
            }
            n.libc.vsnprintf(buf, BUFFER_SIZE, format, args);
            String text = buf.getString(0, BUFFER_SIZE, StandardCharsets.UTF_8);
            if (level <= INFO) {
                List<String> lines = LINES.get();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) lines.add(line);
                }
                if (lines.size() > MAX_LINES) lines.subList(0, lines.size() - MAX_LINES).clear();
            }
            if (level <= echoLevel) System.err.print(text);
            return 0;
        };
        n.bpf.libbpf_set_print(callback);
    }

    /** Echo libbpf's messages up to this level to stderr ({@code --verbose} sets DEBUG). */
    public static void echo(int level) {
        echoLevel = level;
    }

    /** The lines libbpf logged on this thread since the last {@link #clear()}. */
    public static List<String> lines() {
        return List.copyOf(LINES.get());
    }

    public static void clear() {
        LINES.get().clear();
    }

    /** The program libbpf reported it could not load, from this thread's lines. */
    public static Optional<String> failedProgram() {
        String failed = null;
        for (String line : LINES.get()) {
            Matcher m = FAILED_PROG.matcher(line);
            if (m.find()) failed = m.group(1);
        }
        return Optional.ofNullable(failed);
    }

    /** libbpf's last warning on this thread, without the verifier log's frame lines. */
    public static Optional<String> lastWarning() {
        List<String> lines = LINES.get();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).trim();
            if (l.startsWith("libbpf:") && !l.contains("BEGIN PROG LOAD LOG") && !l.contains("END PROG LOAD LOG")) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
