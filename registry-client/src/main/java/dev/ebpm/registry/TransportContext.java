package dev.ebpm.registry;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What a transport may use, handed down by the repository system for one command: the one HTTP client (offline-aware),
 * the cache directory (index documents and downloaded archives), the check every index must pass before it is used, the
 * builder of the built-in examples directory (null: none), where download progress goes, and how registries are
 * reached (insecure hosts, credentials).
 */
public record TransportContext(Http http, Path cacheDir, IndexGuard indexGuard, UnaryOperator<Path> examplesBuilder,
                               TransferListener transfers, RegistryOptions registries) {
    public TransportContext(Http http, Path cacheDir, IndexGuard indexGuard, UnaryOperator<Path> examplesBuilder, TransferListener transfers) {
        this(http, cacheDir, indexGuard, examplesBuilder, transfers, RegistryOptions.defaults());
    }

    public boolean offline() {
        return http.offline();
    }

    /** The same context with another index check (e.g. one that pins a key seen for the first time). */
    public TransportContext withIndexGuard(IndexGuard guard) {
        return new TransportContext(http, cacheDir, guard, examplesBuilder, transfers, registries);
    }

    public IndexCache indexCache() {
        return new IndexCache(cacheDir.resolve("index"));
    }

    public Downloader downloader() {
        return new Downloader(http, cacheDir.resolve("downloads"), Downloader.DEFAULT_MAX_BYTES, transfers);
    }
}
