package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.output.UserError;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.runs.RunLogs;
import dev.ebpm.core.session.Session;
import java.io.IOException;
import java.io.PrintStream;
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

@Command(name = "logs", description = {"Print the events a detached run printed.", "",
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

    @Override
    public Integer call() throws IOException, InterruptedException {
        Instant from = since == null ? null : parseSince(since, Instant.now());
        PrintStream out = System.out;
        try (Session session = store.session()) {
            new RunLogs(session).print(id, from, timestamps, follow, new RunLogs.Sink() {
                @Override
                public void line(String text) {
                    out.println(text);
                }

                @Override
                public void flush() {
                    out.flush();
                }
            });
        }
        return 0;
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
                    + dev.ebpm.core.runs.RunId.printable(s) + "'");
        }
    }
}
