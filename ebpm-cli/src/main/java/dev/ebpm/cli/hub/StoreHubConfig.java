package dev.ebpm.cli.hub;

import dev.ebpm.registry.HubConfig;
import dev.ebpm.store.LocalStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keeps the hub list in the local store's config table (key {@value #KEY}), so one store holds all settings. */
final class StoreHubConfig implements HubConfig.Storage {
    static final String KEY = "hubs";

    private final Path root;

    StoreHubConfig(Path root) {
        this.root = root;
    }

    @Override
    public String read() {
        // reading must not create a store: `ebpm run` on a fresh machine has none
        if (!Files.isRegularFile(root.resolve(LocalStore.DATABASE))) return null;
        try (LocalStore s = LocalStore.open(root)) {
            return s.config(KEY).orElse(null);
        }
    }

    @Override
    public void write(String json) {
        try (LocalStore s = LocalStore.open(root)) {
            s.setConfig(KEY, json);
        }
    }

    @Override
    public String describe() {
        return root.resolve(LocalStore.DATABASE) + " (config " + KEY + ")";
    }
}
