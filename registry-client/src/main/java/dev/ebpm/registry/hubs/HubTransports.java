package dev.ebpm.registry.hubs;

import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.ReferenceSource;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.oci.OciHub;
import dev.ebpm.registry.TransportContext;
import java.util.List;
import java.util.stream.Collectors;

/** Every kind of hub ebpm speaks, in the order a location is probed: the specific ones first, the static catch-all last. */
public final class HubTransports {
    private static final List<HubTransport> ALL = List.of(DirectoryHub.TRANSPORT, HttpIndexHub.TRANSPORT, OciHub.TRANSPORT, StaticHttpHub.TRANSPORT);

    private HubTransports() {
    }

    public static List<HubTransport> all() {
        return ALL;
    }

    public static HubTransport byType(String type) {
        for (HubTransport t : ALL) if (t.type().equals(type)) return t;
        throw new RegistryException("unknown hub type \"" + type + "\": expected " + ALL.stream().map(HubTransport::type).collect(Collectors.joining(", ")));
    }

    /** The source of packages named by a reference (an OCI image reference) rather than on a configured hub. */
    public static ReferenceSource references(TransportContext context) {
        for (HubTransport t : ALL) {
            var r = t.references(context);
            if (r.isPresent()) return r.get();
        }
        throw new RegistryException("no kind of hub reaches packages named by reference");
    }

    /** The first transport that recognises {@code location}. */
    public static HubTransport probe(String location, TransportContext context) {
        for (HubTransport t : ALL) if (t.probe(location, context)) return t;
        throw new RegistryException("no kind of hub recognises " + location + " (" + ALL.stream().map(HubTransport::type).collect(Collectors.joining(", "))
                + "); give --type");
    }
}
