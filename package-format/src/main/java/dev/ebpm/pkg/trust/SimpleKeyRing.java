package dev.ebpm.pkg.trust;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link KeyRing}; {@link #plus} layers rings (the store's keys over the build's built-in ones). */
public final class SimpleKeyRing implements KeyRing {
    private final Map<String, List<PublicKey>> trusted = new LinkedHashMap<>();
    private final Map<Fingerprint, String> revoked = new LinkedHashMap<>();

    public SimpleKeyRing trust(String source, PublicKey key) {
        trusted.computeIfAbsent(source, s -> new ArrayList<>()).add(key);
        return this;
    }

    public SimpleKeyRing revoke(Fingerprint key, String note) {
        revoked.put(key, note);
        return this;
    }

    @Override
    public Collection<PublicKey> trustedFor(String source) {
        List<PublicKey> out = new ArrayList<>(trusted.getOrDefault(source, List.of()));
        if (!ANY_SOURCE.equals(source)) out.addAll(trusted.getOrDefault(ANY_SOURCE, List.of()));
        return out;
    }

    @Override
    public Optional<String> revocation(Fingerprint key) {
        return Optional.ofNullable(revoked.get(key));
    }

    /** Trusted keys of both; revoked if either revoked it. */
    public static KeyRing plus(KeyRing a, KeyRing b) {
        return new KeyRing() {
            @Override
            public Collection<PublicKey> trustedFor(String source) {
                List<PublicKey> out = new ArrayList<>(a.trustedFor(source));
                out.addAll(b.trustedFor(source));
                return out;
            }

            @Override
            public Optional<String> revocation(Fingerprint key) {
                return a.revocation(key).or(() -> b.revocation(key));
            }
        };
    }
}
