package dev.ebpm.cli;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.cli.output.UserError;
import dev.ebpm.pkg.FileErrors;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.ProgramOptionException;
import java.util.List;
import picocli.CommandLine;

/**
 * ebpm's one error convention (docs/commands.md, "Errors and exit codes"): the one line a user reads
 * ({@code ebpm: error: ...}) on stderr; exit 2 for a usage mistake, followed by a one-line hint to the command's --help
 * (never the whole help); exit 1 for a failure. With --json, the same message also goes to stdout as a JSON object, so
 * a script reading stdout sees why it got no record. A stack trace is printed only with EBPM_DEBUG=1; extra detail (a
 * verifier log) with --verbose.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int USAGE = 2;

    /** picocli's own usage mistakes: unknown option, missing parameter, a value it cannot convert. */
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage() == null ? "bad command line" : e.getMessage();
        System.err.println("ebpm: error: " + Terminal.escape(Character.toLowerCase(message.charAt(0)) + message.substring(1)));
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            System.err.println("ebpm: did you mean " + String.join(" or ", u.getSuggestions()) + "?");
        }
        hint(cl, false);
        if (List.of(args).contains("--json")) jsonError(message, USAGE);
        return USAGE;
    }

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
        int code = e instanceof UserError ue ? ue.exitCode() : e instanceof ProgramOptionException ? USAGE : 1;
        if (code == USAGE) hint(cl, e instanceof ProgramOptionException);
        if (parsed != null && hasJson(parsed)) jsonError(message(e).strip(), code);
        return code;
    }

    /** One line pointing at the help that explains the mistake: the package's own for a package option. */
    private static void hint(CommandLine cl, boolean packageOption) {
        System.err.println("Try '" + cl.getCommandSpec().qualifiedName() + (packageOption ? " PKG --help' for the package's options." : " --help' for more information."));
    }

    private static void jsonError(String message, int code) {
        java.util.Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("error", message);
        error.put("exit_code", code);
        System.out.println(dev.ebpm.cli.output.Json.line(error));
        System.out.flush();
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

    private static boolean hasJson(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--json")) return true;
        }
        return false;
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
