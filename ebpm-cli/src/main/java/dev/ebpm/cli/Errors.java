package dev.ebpm.cli;

import dev.ebpm.cli.output.UserError;
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
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            msg = "I/O error: " + msg;
        } else if (!(e instanceof UserError) && !(e instanceof BpfException) && !isKnown(e)) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        System.err.println("ebpm: error: " + msg.strip().replace("\n", " "));
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
