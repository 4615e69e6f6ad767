package dev.ebpm.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ebpm.loader.FeatureProbe;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ebpm doctor}: what this kernel and host offer, probed for real. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Report what this kernel and host offer for eBPF.",
            "",
            "BTF, map types, program types and attach types are probed for real, by loading tiny programs "
                + "as `bpftool feature probe` does; then what is mounted (tracefs, bpffs), the privileges present "
                + "and the memlock limit. Needs root for the probes."})
public final class DoctorCommand implements Runnable {
    @Option(names = {"-j", "--json"}, description = "print JSON")
    boolean json;

    @Override
    public void run() {
        List<FeatureProbe.Check> checks = FeatureProbe.run();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode arr = m.createArrayNode();
            for (FeatureProbe.Check c : checks) {
                arr.addObject().put("group", c.group()).put("feature", c.name()).put("ok", c.ok()).put("detail", c.detail());
            }
            System.out.println(arr.toPrettyString());
            return;
        }
        System.out.printf("%-9s %-30s %-4s %s%n", "GROUP", "FEATURE", "OK", "DETAIL");
        for (FeatureProbe.Check c : checks) {
            System.out.printf("%-9s %-30s %-4s %s%n", c.group(), c.name(), c.ok() ? "yes" : "no", c.detail());
        }
    }
}
