package dev.ebpm.core.session;

import dev.ebpm.registry.Http;
import dev.ebpm.store.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one command opens once and closes once (maven-resolver's session): its {@link Settings}, one handle on the local
 * store, one HTTP client. Every operation of ebpm-core takes the session; none opens the store or a client of its own.
 * Nothing is opened until first asked for, so a command pays only for what it uses.
 */
public final class Session implements AutoCloseable {
    private final Settings settings;
    private LocalStore store;
    private Http http;

    private Session(Settings settings) {
        this.settings = settings;
    }

    public static Session open(Settings settings) {
        return new Session(settings);
    }

    public Settings settings() {
        return settings;
    }

    public Path storeRoot() {
        return settings.storeRoot();
    }

    public boolean offline() {
        return settings.offline();
    }

    /** The store, created if there is none yet; opened once per session (for root, only a store no other user can change). */
    public synchronized LocalStore store() {
        if (store == null) {
            SafeOwnership.checkStore(settings.storeRoot());
            store = LocalStore.open(settings.storeRoot());
        }
        return store;
    }

    /**
     * The store if one exists, never creating it: {@code ebpm run} on a fresh machine and read-only queries must leave
     * no store behind.
     */
    public synchronized Optional<LocalStore> existingStore() {
        if (store == null && !Files.isRegularFile(settings.storeRoot().resolve(LocalStore.DATABASE))) return Optional.empty();
        return Optional.of(store());
    }

    /** The session's HTTP client (offline when the settings say so: every call then fails before touching the network). */
    public synchronized Http http() {
        if (http == null) http = new Http(Http.Options.fromEnvironment(System.getenv()).offline(settings.offline()));
        return http;
    }

    public void warn(String warning) {
        settings.reporter().warning(warning);
    }

    public void note(String note) {
        settings.reporter().note(note);
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
