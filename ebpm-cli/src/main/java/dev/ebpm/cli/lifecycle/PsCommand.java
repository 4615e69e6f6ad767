package dev.ebpm.cli.lifecycle;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.cli.output.TextTable;
import dev.ebpm.core.runs.DetachedRuns;
import dev.ebpm.core.session.Session;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.KernelPrograms;
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

@Command(name = "ps", description = {"List detached runs (with --all, the kernel's programs too).", "",
    "List detached runs (ebpm run -d): id, package, pid, uptime, attached programs, events seen, state.",
    "A run whose programs went with their host is marked killed; one whose programs are pinned stays running until a",
    "daemon adopts it. With --all, ended runs too, and every BPF program in the kernel, ebpm's marked with their run.",
})
public final class PsCommand implements Callable<Integer> {
    @Mixin StoreOptions store = new StoreOptions();

    @Option(names = {"-a", "--all"}, description = "include runs that ended, and list every BPF program loaded in the kernel (root): "
            + "id, type, name, tag, attach points, the processes holding it, and ebpm's run")
    boolean all;

    @Option(names = "--programs", description = "list only the kernel's BPF programs (as --all does after the runs)")
    boolean programs;

    @Option(names = "--json", description = "print JSON (the runs; with --programs, the kernel's programs)")
    boolean json;

    @Option(names = {"-w", "--wide"}, description = "show the ATTACHED column whole (else cut to the terminal's width: $COLUMNS, "
            + "or the terminal's own; a pipe or file gets whole lines)")
    boolean wide;

    @Override
    public Integer call() throws IOException {
        try (Session session = store.session()) {
            if (programs) return programs(session, json);
            int code = list(session, all, json, wide);
            if (all && !json) {
                System.out.println();
                programs(session, false);
            }
            return code;
        }
    }

    /** `ps` over the session's store, for `ebpm list --running` too. */
    public static int list(Session session, boolean all, boolean json, boolean wide) throws IOException {
        List<DetachedRuns.Listed> runs = new ArrayList<>();
        int waiting = 0;
        for (DetachedRuns.Listed l : new DetachedRuns(session).list(all)) {
            RunRecord r = l.run();
            if (l.foundGone()) System.err.println("ebpm: run " + r.id() + " (" + r.packageName() + ") is gone: " + DetachedRuns.describe(r));
            if (l.waiting()) waiting++;
            if (all || r.state().live()) runs.add(l);
        }
        print(runs, json, all, wide);
        if (waiting > 0 && !json) {
            System.err.println("ebpm: " + waiting + (waiting == 1 ? " run waits" : " runs wait")
                    + " for the daemon; start it with: ebpm daemon (or systemctl start ebpm)");
        }
        return 0;
    }

    private static void print(List<DetachedRuns.Listed> runs, boolean json, boolean all, boolean wide) throws IOException {
        Instant now = Instant.now();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (DetachedRuns.Listed r : runs) out.add(r.json(now));
            dev.ebpm.cli.output.Json.print(System.out, out);
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
            rows.add(List.of(r.id(), r.packageName() + "@" + r.version(), r.pid() == null || l.waiting() ? "-" : r.pid().toString(),
                    uptime(r, now), programs(r), Long.toString(l.status().events()), l.state(),
                    targets.isEmpty() ? "-" : String.join(", ", targets)));
        }
        TextTable.print(System.out, List.of("ID", "PACKAGE", "PID", "UPTIME", "PROGS", "EVENTS", "STATE", "ATTACHED"), rows,
                wide ? Integer.MAX_VALUE : dev.ebpm.cli.output.Terminal.width());
    }

    /** Every BPF program in the kernel; a user who may not list them is told so and the runs stand. */
    private static int programs(Session session, boolean json) throws IOException {
        List<DetachedRuns.KernelProgram> all;
        try {
            all = new DetachedRuns(session).kernelPrograms();
        } catch (BpfException e) {
            System.err.println("ebpm: " + e.getMessage());
            return json ? 1 : 0;
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (DetachedRuns.KernelProgram k : all) out.add(toJson(k));
            dev.ebpm.cli.output.Json.print(System.out, out);
            return 0;
        }
        System.out.println("BPF programs in the kernel (" + all.size() + "):");
        List<List<String>> rows = new ArrayList<>();
        for (DetachedRuns.KernelProgram k : all) {
            KernelPrograms.LoadedProgram p = k.program();
            rows.add(List.of(Integer.toString(p.id()), p.type(), p.name().isEmpty() ? "-" : p.name(), p.tag(),
                    p.attachPoints().isEmpty() ? "-" : String.join(", ", p.attachPoints()), holders(p), run(k)));
        }
        TextTable.print(System.out, List.of("PROG", "TYPE", "NAME", "TAG", "ATTACHED", "HELD BY", "EBPM RUN"), rows);
        return 0;
    }

    private static String holders(KernelPrograms.LoadedProgram p) {
        if (p.holders().isEmpty()) return "-";
        List<String> h = new ArrayList<>();
        for (KernelPrograms.Holder x : p.holders()) h.add(x.command() + "(" + x.pid() + ")");
        return String.join(", ", h);
    }

    private static String run(DetachedRuns.KernelProgram k) {
        if (k.runId() == null) return "-";
        if (k.run() == null) return k.runId() + " (pinned; no record in this store)";
        return k.runId() + " " + k.run().packageName() + " " + DetachedRuns.describe(k.run());
    }

    private static Map<String, Object> toJson(DetachedRuns.KernelProgram k) {
        KernelPrograms.LoadedProgram p = k.program();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("type", p.type());
        m.put("name", p.name());
        m.put("tag", p.tag());
        m.put("uid", p.uid());
        m.put("loaded_at", p.loadedAt().toString());
        m.put("attach_points", p.attachPoints());
        List<Map<String, Object>> holders = new ArrayList<>();
        for (KernelPrograms.Holder h : p.holders()) holders.add(Map.of("pid", h.pid(), "command", h.command()));
        m.put("held_by", holders);
        m.put("run", k.runId());
        m.put("package", k.run() == null ? null : k.run().packageName());
        m.put("run_state", k.run() == null ? null : k.run().state().id());
        return m;
    }

    private static String programs(RunRecord r) {
        if (r.kind().equals("wasm") && r.state().live()) return "wasm";
        return Integer.toString(r.attachPoints().size());
    }

    static String uptime(RunRecord r, Instant now) {
        if (!r.state().live()) return "-";
        long s = Math.max(0, Duration.between(r.startedAt(), now).toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60);
        if (s < 86400) return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}
