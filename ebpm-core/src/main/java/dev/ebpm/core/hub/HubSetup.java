package dev.ebpm.core.hub;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.trust.Keys;
import dev.ebpm.pkg.trust.IndexSignature;
import dev.ebpm.pkg.trust.PublicKey;
import dev.ebpm.pkg.trust.SimpleKeyRing;
import dev.ebpm.pkg.trust.TrustException;
import dev.ebpm.pkg.trust.Verifier;
import dev.ebpm.registry.HubDefinition;
import dev.ebpm.registry.HubTransport;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.hubs.DirectoryHub;
import dev.ebpm.registry.hubs.HttpIndexHub;
import dev.ebpm.registry.hubs.HubTransports;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code ebpm hub add} and {@code hub remove}: a new hub's type is probed through the transports unless given, and with
 * trust on first use the key it serves is pinned, but only if it signs the index the hub serves now.
 */
public final class HubSetup {
    /** What {@code add} did: the hub as stored, and the key pinned for it, if any. */
    public record Added(HubDefinition hub, Optional<PublicKey> pinned) {
        /** True if the hub signs its index and no key was pinned for it yet: the user must trust one before using it. */
        public boolean needsIndexKey() {
            return hub.type().equals(HttpIndexHub.TYPE) && !hub.allowUnsigned() && pinned.isEmpty();
        }
    }

    private final Session session;
    private final Keys keys;
    private final Hubs hubs;

    public HubSetup(Session session) {
        this.session = session;
        this.keys = new Keys(session);
        this.hubs = new Hubs(session, keys);
    }

    public HubList list() {
        return hubs.list();
    }

    /**
     * @param typeOrNull     a transport type, or null to probe the location
     * @param trustOnFirstUse pin the key an index hub serves, once it is shown to sign its index
     */
    public Added add(String name, String location, String typeOrNull, int priority, boolean allowUnsigned, boolean trustOnFirstUse) {
        HubList.checkName(name); // before any network: a bad name is refused at once
        if (hubs.list().hubs().stream().anyMatch(d -> d.name().equals(name) && !d.builtIn())) {
            throw new RegistryException("hub " + name + " already exists; remove it first");
        }
        HubTransport transport = typeOrNull != null ? HubTransports.byType(typeOrNull) : probe(location);
        String where = transport.type().equals(DirectoryHub.TYPE) && !location.startsWith("file:")
                ? DirectoryHub.path(location).toAbsolutePath().toString() : location;
        HubDefinition d = new HubDefinition(name, where, transport.type(), priority, false, allowUnsigned);
        Optional<PublicKey> pinned = Optional.empty();
        if (trustOnFirstUse) {
            if (!transport.type().equals(HttpIndexHub.TYPE)) {
                throw new RegistryException("--trust-on-first-use needs an ebpm hub (with a signed index); " + location + " is a " + transport.type() + " hub");
            }
            if (session.offline()) throw new OfflineException("offline: cannot fetch the key of " + location);
            pinned = Optional.of(firstUseKey(name, where));
        }
        hubs.list().add(d);
        pinned.ifPresent(k -> keys.pin(k, name, "tofu"));
        return new Added(d, pinned);
    }

    public void remove(String name) {
        hubs.list().remove(name);
    }

    private HubTransport probe(String location) {
        // http(s):// and oci:// are probed over the network: an index hub, a registry (/v2/), else a static layout
        boolean network = location.matches("[a-z][a-z0-9+.-]*://.*") && !location.startsWith("file:");
        if (!network && !DirectoryHub.TRANSPORT.probe(location, hubs.context())) throw new RegistryException("no such directory: " + location);
        if (network && session.offline()) throw new OfflineException("offline: cannot probe " + location + "; give --type");
        return HubTransports.probe(location, hubs.context());
    }

    /** The key the hub serves, if it signs the index the hub serves now; not yet trusted. */
    private PublicKey firstUseKey(String name, String url) {
        String text = hubs.indexHubAt(name, url, null).publicKeyText().orElseThrow(() -> new TrustException(
                "hub " + url + " serves no key (/" + HttpIndexHub.KEY_FILE + "); it cannot be trusted on first use"));
        PublicKey key;
        try {
            key = PublicKey.parse(text);
        } catch (TrustException e) {
            throw new TrustException("hub " + url + ": /" + HttpIndexHub.KEY_FILE + ": " + e.getMessage());
        }
        SimpleKeyRing ring = new SimpleKeyRing().trust(name, key);
        // the index it serves must verify with that key, or the key is not the one signing this hub
        hubs.indexHubAt(name, url, (h, hubUrl, json, sig) -> {
            if (sig == null) throw new TrustException("hub " + url + " serves no index signature; nothing to trust");
            new Verifier(ring).verifyIndex(h, IndexSignature.parse(sig), json, null, Instant.now());
        }).packages();
        return key;
    }
}
