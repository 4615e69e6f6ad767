package dev.ebpm.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs one ebpm command line in this JVM through {@link Main}'s real picocli setup, capturing what
 * it prints. For commands that load nothing into the kernel (those run as a {@link CliProcess}).
 */
public final class InProcess {
    private InProcess() {}

    /** System.out/err are process-wide: one command at a time. */
    public static synchronized CliProcess.Result execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new CliProcess.Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** {@code args} with {@code --store STORE} added where the command takes it (before PKG for run). */
    public static String[] withStore(String store, String... args) {
        String[] all = new String[args.length + 2];
        if (args.length > 0 && args[0].equals("run")) {
            // everything after run's PKG belongs to the package
            all[0] = "run";
            all[1] = "--store";
            all[2] = store;
            System.arraycopy(args, 1, all, 3, args.length - 1);
        } else {
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--store";
            all[args.length + 1] = store;
        }
        return all;
    }
}
