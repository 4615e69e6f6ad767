package dev.ebpm.cli.hub;

import dev.ebpm.cli.output.Terminal;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.core.hub.HubResolver;
import dev.ebpm.core.hub.Hubs;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.registry.HubVersion;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ebpm search TERM}: packages with every word of TERM in their name, description or keywords, on every hub. */
@Command(name = "search", description = {"Search the configured hubs for packages.", "", "Search the configured hubs by name, description and keywords (every word of TERM must match).",
        "An ebpm hub answers from its search endpoint, best match first; other hubs and offline searches use the index.",
        "Static hubs (eunomia's) cannot be listed; ask for a name there with `ebpm install NAME`."})
public final class SearchCommand implements Runnable {
    @Parameters(paramLabel = "TERM", description = "text to look for (case-insensitive)")
    String term;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Mixin HubOptions hub;

    @Override
    public void run() {
        List<HubResolver.SearchHit> hits;
        try (Session s = hub.session()) {
            hits = new Hubs(s, new Keys(s)).search(term);
        }
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode arr = m.createArrayNode();
            for (HubResolver.SearchHit h : hits) {
                ObjectNode o = arr.addObject().put("name", h.pkg().name().value()).put("hub", h.hub())
                        .put("version", h.pkg().current().map(v -> v.version().toString()).orElse(null))
                        .put("description", h.pkg().description());
                h.pkg().keywords().forEach(o.putArray("keywords")::add);
            }
            System.out.println(arr.toString());
            return;
        }
        if (hits.isEmpty()) {
            System.out.println("no packages match \"" + term + "\"");
            return;
        }
        String fmt = "%-24s %-14s %-10s %s%n";
        System.out.printf(fmt, "NAME", "VERSION", "HUB", "DESCRIPTION");
        for (HubResolver.SearchHit h : hits) {
            String v = h.pkg().current().map(HubVersion::version).map(Object::toString).orElse("-");
            String d = h.pkg().description() == null ? "" : h.pkg().description().lines().findFirst().orElse("");
            System.out.printf(fmt, h.pkg().name(), v, h.hub(), Terminal.escape(d.length() > 60 ? d.substring(0, 57) + "..." : d));
        }
    }
}
