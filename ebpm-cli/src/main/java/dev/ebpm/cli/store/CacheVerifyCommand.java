package dev.ebpm.cli.store;

import dev.ebpm.cli.options.StoreOptions;
import dev.ebpm.core.install.Inventory;
import dev.ebpm.core.session.Session;
import dev.ebpm.store.VerifyReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", description = {"Check the store database and re-hash every blob.", "", "Check the store database and re-hash every blob. Exit 1 if anything is wrong (and not repaired)."})
public final class CacheVerifyCommand implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Option(names = "--repair", description = "Remove versions whose blobs are missing or corrupt, so they can be reinstalled.")
    boolean repair;

    @Option(names = "--json", description = "Print JSON (the text columns' names as fields).")
    boolean json;

    @Override
    public Integer call() {
        VerifyReport r;
        try (Session s = store.session()) {
            r = new Inventory(s).verify(repair);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("database", r.databaseCheck());
            out.put("blobs_checked", r.blobsChecked());
            out.put("unreferenced", r.unreferencedBlobs());
            List<Map<String, Object>> problems = new ArrayList<>();
            for (VerifyReport.Problem p : r.problems()) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("state", p.state().name().toLowerCase(Locale.ROOT));
                problem.put("digest", "sha256:" + p.digest());
                problem.put("used_by", p.affectedVersions());
                problems.add(problem);
            }
            out.put("problems", problems);
            out.put("removed", r.removedVersions());
            StoreOutput.json(System.out, out);
        } else {
            print(r);
        }
        if (!"ok".equals(r.databaseCheck())) return 1;
        return r.problems().isEmpty() || repair ? 0 : 1;
    }

    private static void print(VerifyReport r) {
        System.out.println("database: " + r.databaseCheck());
        System.out.println("blobs checked: " + r.blobsChecked() + ", problems: " + r.problems().size()
                + ", unreferenced: " + r.unreferencedBlobs() + (r.unreferencedBlobs() > 0 ? " (run 'ebpm gc')" : ""));
        for (VerifyReport.Problem p : r.problems()) {
            System.out.println(p.state().name().toLowerCase() + " sha256:" + p.digest() + " used by " + String.join(", ", p.affectedVersions()));
        }
        for (String id : r.removedVersions()) System.out.println("removed " + id + " (reinstall it)");
    }
}
