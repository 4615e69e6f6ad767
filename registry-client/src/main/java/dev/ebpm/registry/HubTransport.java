package dev.ebpm.registry;

/**
 * The SPI a kind of hub implements (an ebpm index hub, a static eunomia/LMP web layout, a directory, ...): it names its
 * type, recognises locations it can serve, and opens a {@link Hub} for a configured {@link HubDefinition}. A new kind of
 * hub is one new implementation registered in {@code dev.ebpm.registry.hubs.HubTransports}; nothing above changes.
 */
public interface HubTransport {
    /** The type id stored in the hub list and accepted by {@code ebpm hub add --type}. */
    String type();

    /**
     * True if {@code location} is a hub of this type. May use the network (through {@code context.http()}, which throws
     * {@link OfflineException} when offline); returns false rather than failing when the location is simply not of this
     * type. Transports are asked in registration order, so a specific probe comes before a catch-all one.
     */
    boolean probe(String location, TransportContext context);

    /** The hub {@code definition} names; cheap (no I/O until the hub is asked something). */
    Hub open(HubDefinition definition, TransportContext context);

    /**
     * Packages of this kind that can also be named directly on the command line, with no hub configured (an OCI image
     * reference); empty for kinds of hub that have no such form.
     */
    default java.util.Optional<ReferenceSource> references(TransportContext context) {
        return java.util.Optional.empty();
    }
}
