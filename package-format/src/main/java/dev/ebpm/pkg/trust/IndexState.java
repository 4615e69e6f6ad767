package dev.ebpm.pkg.trust;

import java.time.Instant;

/** The newest index of a hub a client has verified: what a later index must not go back from. */
public record IndexState(long version, String indexSha256, Instant expires) {
}
