package dev.ebpm.loader.wasm;

import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A BPF object a guest loaded, with the links and buffers it made; closed in reverse order. */
final class GuestObject implements AutoCloseable {
    final long handle;
    final BpfObject object;
    final List<BpfLink> links = new ArrayList<>();
    final Map<Integer, EventBuffer> buffers = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    GuestObject(long handle, BpfObject object) {
        this.handle = handle;
        this.object = object;
    }

    Optional<BpfMap> mapByFd(int fd) {
        if (fd < 0) return Optional.empty();
        for (BpfMap m : object.maps()) {
            if (m.fd() == fd) return Optional.of(m);
        }
        return Optional.empty();
    }

    /** From any thread (stop). */
    void wakeAll() {
        List<EventBuffer> bs;
        synchronized (buffers) {
            bs = List.copyOf(buffers.values());
        }
        for (EventBuffer b : bs) b.wake();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        List<EventBuffer> bs;
        synchronized (buffers) {
            bs = new ArrayList<>(buffers.values());
        }
        for (int i = bs.size() - 1; i >= 0; i--) {
            try {
                bs.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        buffers.clear();
        for (int i = links.size() - 1; i >= 0; i--) {
            try {
                links.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        links.clear();
        object.close();
        if (first != null) throw first;
    }
}
