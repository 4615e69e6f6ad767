package dev.ebpm.cli.lifecycle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.runs.RunStatus;
import dev.ebpm.core.session.Session;
import dev.ebpm.store.RunRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ps", description = {
    "List detached runs (ebpm run -d): id, package, pid, uptime, attached programs, events seen, state.",
    "A run whose runner died is marked killed and what it pinned is removed.",
})
public final class PsCommand implements Callable<Integer> {
    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = {"-a", "--all"}, description = "include runs that ended")
    boolean all;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
        try (Session session = store.session()) {
            return list(session, all, json);
        }
    }

    /** `ps` over the session's store, for `ebpm list --running` too. */
    public static int list(Session session, boolean all, boolean json) throws IOException {
        List<DetachedRuns.Listed> runs = new ArrayList<>();
        for (DetachedRuns.Listed l : new DetachedRuns(session).list(all)) {
            RunRecord r = l.run();
            if (l.foundGone()) System.err.println("ebpm: run " + r.id() + " (" + r.packageName() + ") is gone: " + DetachedRuns.describe(r));
            if (all || r.state().live()) runs.add(l);
        }
        print(runs, json, all);
        return 0;
    }

    private static void print(List<DetachedRuns.Listed> runs, boolean json, boolean all) throws IOException {
        Instant now = Instant.now();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (DetachedRuns.Listed r : runs) out.add(toJson(r, now));
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            m.writeValue(System.out, out);
            System.out.println();
            System.out.flush();
            return;
        }
        if (runs.isEmpty()) {
            System.out.println(all ? "no runs" : "no running programs (ebpm ps -a lists ended runs too)");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (DetachedRuns.Listed l : runs) {
            RunRecord r = l.run();
            List<String> targets = new ArrayList<>();
            for (String a : r.attachPoints()) targets.add(a.contains(" -> ") ? a.substring(a.indexOf(" -> ") + 4) : a);
            rows.add(List.of(r.id(), r.packageName() + "@" + r.version(), r.pid() == null ? "-" : r.pid().toString(),
                    uptime(r, now), programs(r), Long.toString(l.status().events()), DetachedRuns.describe(r),
                    targets.isEmpty() ? "-" : String.join(", ", targets)));
        }
        table(rows);
    }

    private static String programs(RunRecord r) {
        if (r.kind().equals("wasm") && r.state().live()) return "wasm";
        return Integer.toString(r.attachPoints().size());
    }

    private static Map<String, Object> toJson(DetachedRuns.Listed l, Instant now) {
        RunRecord r = l.run();
        RunStatus st = l.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("package", r.packageName());
        m.put("version", r.version());
        m.put("kind", r.kind());
        m.put("args", r.args());
        m.put("pid", r.pid());
        m.put("uid", r.uid());
        m.put("state", r.state().id());
        m.put("started_at", r.startedAt().toString());
        m.put("ended_at", r.endedAt() == null ? null : r.endedAt().toString());
        m.put("uptime_seconds", Duration.between(r.startedAt(), r.endedAt() == null ? now : r.endedAt()).toSeconds());
        m.put("exit_code", r.exitCode());
        m.put("signal", r.signal());
        m.put("error", r.error());
        m.put("programs", r.attachPoints().size());
        m.put("attach_points", r.attachPoints());
        m.put("events", st.events());
        m.put("events_lost", st.lost());
        m.put("log", r.logPath());
        return m;
    }

    static String uptime(RunRecord r, Instant now) {
        if (!r.state().live()) return "-";
        long s = Math.max(0, Duration.between(r.startedAt(), now).toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60);
        if (s < 86400) return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    private static void table(List<List<String>> rows) {
        dev.ebpm.cli.output.TextTable.print(System.out, List.of("ID", "PACKAGE", "PID", "UPTIME", "PROGS", "EVENTS", "STATE", "ATTACHED"), rows);
    }
}
