package dev.ebpm.cli;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.pkg.FileErrors;
import dev.ebpm.loader.BpfException;
import picocli.CommandLine;

/**
 * Turns any failure into the one line a user reads ({@code ebpm: error: ...}) and exit code 1.
 * A stack trace is printed only with EBPM_DEBUG=1; extra detail (a verifier log) with --verbose.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        System.out.flush();
        if (isBrokenPipe(e)) return 141; // `ebpm run x | head`: the reader left; exit quietly as cat does (128+SIGPIPE)
        System.err.println("ebpm: error: " + Terminal.escape(message(e).strip().replace("\n", " ")));
        boolean verbose = parsed != null && hasVerbose(parsed);
        if (e instanceof BpfException be && be.detail() != null && !be.detail().isBlank()) {
            if (verbose) System.err.println(be.detail());
            else System.err.println("ebpm: (run with --verbose for libbpf's log)");
        }
        if (e instanceof dev.ebpm.loader.build.BuildException be && !be.toolOutput().isBlank()) {
            System.err.println(be.toolOutput().stripTrailing());
        }
        if ("1".equals(System.getenv("EBPM_DEBUG"))) e.printStackTrace();
        return e instanceof UserError ue ? ue.exitCode() : 1;
    }

    /** The one line for {@code e}: never a Java exception class name (those are for EBPM_DEBUG=1). */
    private static String message(Exception e) {
        if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            java.io.IOException io = e instanceof java.io.UncheckedIOException u ? u.getCause() : (java.io.IOException) e;
            String described = FileErrors.describe(io);
            // new UncheckedIOException(e) repeats the cause as its message; one made with words adds what was being done
            boolean context = e instanceof java.io.UncheckedIOException && e.getMessage() != null && !e.getMessage().equals(String.valueOf(io));
            return context ? e.getMessage() + ": " + described : described;
        }
        if (e instanceof UserError || e instanceof BpfException || isKnown(e)) {
            return e.getMessage() == null ? "failed without a message (EBPM_DEBUG=1 prints where)" : e.getMessage();
        }
        return "internal error: " + (e.getMessage() == null ? "no detail" : e.getMessage()) + " (a bug in ebpm; EBPM_DEBUG=1 prints where)";
    }

    private static boolean isBrokenPipe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains("Broken pipe")) return true;
        }
        return false;
    }

    private static boolean isKnown(Exception e) {
        String pkg = e.getClass().getPackageName();
        return pkg.startsWith("dev.ebpm");
    }

    private static boolean hasVerbose(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p != null) {
            if (p.hasMatchedOption("--verbose")) return true;
            p = p.subcommand();
        }
        return false;
    }
}
