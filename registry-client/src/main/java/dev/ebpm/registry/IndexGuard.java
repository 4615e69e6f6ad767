package dev.ebpm.registry;

/**
 * Decides whether an index hub's {@code index.json} may be used. ebpm-core's guard checks the index signature
 * ({@code index.json.sig}) against the keys trusted for the hub and its freshness against the newest index seen
 * (rollback, freeze; docs/trust.md); a client without a guard takes indexes as they come (library use, tests).
 */
@FunctionalInterface
public interface IndexGuard {
    /**
     * @param hub        the hub's name (trusted keys are per hub name)
     * @param hubUrl     its base URL (the newest index seen is kept per URL)
     * @param indexJson  the exact bytes of the index
     * @param signature  the bytes of {@code index.json.sig}, or null if the hub serves none
     * @throws RuntimeException (a {@code TrustException} or {@link RegistryException}) to refuse the index
     */
    void check(String hub, String hubUrl, byte[] indexJson, byte[] signature);
}
