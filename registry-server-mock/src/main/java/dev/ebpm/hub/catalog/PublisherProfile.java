package dev.ebpm.hub.catalog;

import dev.ebpm.pkg.trust.Fingerprint;
import java.util.List;

/**
 * A publisher as its page shows it.
 *
 * @param since when the hub first knew it (UTC, ISO-8601)
 * @param keys  its registered signing keys: once it has one, its uploads must be signed by one of them
 */
public record PublisherProfile(String name, String since, List<Fingerprint> keys) {
    public PublisherProfile {
        keys = List.copyOf(keys);
    }
}
