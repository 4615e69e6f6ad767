package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.Terminal;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.registry.HubVersion;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints what a hub knows about a package; the remote half of {@code ebpm info NAME}. */
public final class RemoteInfoPrinter {
    private RemoteInfoPrinter() {}

    public static void print(Hubs.RemoteInfo info, PrintStream out) {
        var p = info.pkg();
        out.println(Terminal.escape(p.name() + " (hub " + info.hub() + ", " + info.location() + ")"));
        if (p.description() != null) out.println("  description: " + Terminal.escape(p.description()));
        if (!p.keywords().isEmpty()) out.println("  keywords:    " + Terminal.escape(String.join(", ", p.keywords())));
        p.current().ifPresent(v -> out.println("  current:     " + v.version()));
        out.println("  versions:");
        for (HubVersion v : p.versions()) {
            StringBuilder needs = new StringBuilder();
            if (v.requires().btf()) needs.append(" btf");
            if (v.requires().ringbuf()) needs.append(" ringbuf");
            if (!v.requires().attach().isEmpty()) needs.append(" attach=").append(String.join(",", v.requires().attach()));
            if (v.requires().minKernel() != null) needs.append(" kernel>=").append(v.requires().minKernel());
            // a registry hub knows a version's kind and digest only once its tag is fetched
            out.printf("    %-22s %-4s %9s  %s%s%s%n", v.version(), v.kind() == null ? "-" : v.kind().id(), v.size() < 0 ? "-" : v.size() + " B",
                    v.sha256() == null ? "(tag)" : "sha256:" + v.sha256().substring(0, 16), needs.length() == 0 ? "" : "  needs" + needs, v.yanked() ? "  (yanked)" : "");
        }
    }

    /** The same as JSON: {@code ebpm info NAME --json} and {@code ebpm hub info NAME --json}. */
    public static Map<String, Object> json(Hubs.RemoteInfo r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", r.pkg().name().value());
        out.put("hub", r.hub());
        out.put("location", r.location());
        out.put("description", r.pkg().description());
        out.put("keywords", r.pkg().keywords());
        out.put("current", r.pkg().current().map(v -> v.version().toString()).orElse(null));
        List<Map<String, Object>> versions = new ArrayList<>();
        for (HubVersion v : r.pkg().versions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version().toString());
            m.put("kind", v.kind() == null ? null : v.kind().id());
            m.put("size", v.size());
            m.put("sha256", v.sha256());
            m.put("yanked", v.yanked());
            versions.add(m);
        }
        out.put("versions", versions);
        return out;
    }
}
