package dev.ebpm.loader.internal;

import java.util.ArrayList;
import java.util.List;
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
            String text = buf.getString(0, BUFFER_SIZE, java.nio.charset.StandardCharsets.UTF_8);
            if (level <= INFO) {
                List<String> lines = LINES.get();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) lines.add(line);
                }
                if (lines.size() > 10_000) lines.subList(0, lines.size() - 10_000).clear();
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

    public static boolean verbose() {
        return echoLevel >= INFO;
    }

    /** The lines libbpf logged on this thread since the last {@link #clear()}. */
    public static List<String> lines() {
        return List.copyOf(LINES.get());
    }

    public static void clear() {
        LINES.get().clear();
    }
}
