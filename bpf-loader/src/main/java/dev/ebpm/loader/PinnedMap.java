package dev.ebpm.loader;

import dev.ebpm.loader.internal.NativeException;
import dev.ebpm.loader.internal.PinnedMapFd;
import java.nio.file.Path;

/**
 * A map opened from its pin in bpffs (one that {@link BpfMap#pin} left there, maybe in another process that has
 * exited since): owns one fd to it. {@link #map()} is usable as any map, for readers and element operations, until
 * {@link #close()}; closing releases the fd, the pin keeps the map.
 */
public final class PinnedMap implements AutoCloseable {
    private final Path path;
    private PinnedMapFd fd; // null once closed
    private final BpfMap map;

    private PinnedMap(Path path, PinnedMapFd fd) {
        this.path = path;
        this.fd = fd;
        this.map = new BpfMap(this::checkOpen, fd);
    }

    /** @throws BpfException when nothing is pinned at {@code path}, or it is not a map */
    public static PinnedMap open(Path path) {
        try {
            return new PinnedMap(path, PinnedMapFd.open(path.toString()));
        } catch (NativeException e) {
            throw new BpfException("cannot open the map pinned at " + path + ": " + e.getMessage(), null, e.errno());
        }
    }

    public BpfMap map() {
        return map;
    }

    private void checkOpen(String kind, String name) {
        if (fd == null) throw new IllegalStateException(kind + " '" + name + "' pinned at " + path + " was used after it was closed");
    }

    @Override
    public synchronized void close() {
        if (fd != null) {
            fd.close();
            fd = null;
        }
    }
}
