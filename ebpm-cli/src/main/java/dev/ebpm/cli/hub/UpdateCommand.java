package dev.ebpm.cli.hub;

import dev.ebpm.cli.options.ProgressOptions;
import dev.ebpm.core.install.Updater;
import dev.ebpm.core.session.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.ebpm.cli.output.Json;
import picocli.CommandLine.Option;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ebpm update [NAME...]}: re-resolves locked packages against fresh indexes, downloads and verifies the newest
 * versions and moves ebpm.lock to them (cargo's meaning of update).
 */
@Command(name = "update", description = {"Move ebpm.lock to the newest version of each package.", "", "Fetch fresh hub indexes and move ebpm.lock to the newest version of each",
        "package (or only NAME), downloading and verifying it."})
public final class UpdateCommand implements Runnable {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "packages to update (default: every package in ebpm.lock)")
    List<String> names = new ArrayList<>();

    @Mixin HubOptions hub;

    @Mixin ProgressOptions progress;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public void run() {
        try (Session s = hub.session(progress, false)) {
            Updater updater = new Updater(s);
            List<Updater.Move> moves = updater.update(names);
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Updater.Move m : moves) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("name", m.name());
                    o.put("before", m.before() == null ? null : m.before().toString());
                    o.put("after", m.after().toString());
                    o.put("up_to_date", m.before() != null && m.before().equals(m.after()));
                    out.add(o);
                }
                Json.print(System.out, out);
                return;
            }
            if (moves.isEmpty()) {
                System.out.println("nothing to update: " + updater.lockfile() + " pins no packages");
                return;
            }
            for (Updater.Move m : moves) {
                System.out.println(m.before() != null && m.before().equals(m.after()) ? m.name() + " " + m.after() + " (up to date)"
                        : m.name() + " " + m.before() + " -> " + m.after());
            }
        }
    }
}
