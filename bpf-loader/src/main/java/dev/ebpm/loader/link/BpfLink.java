package dev.ebpm.loader.link;

import dev.ebpm.loader.internal.Native;
import jnr.ffi.Pointer;

/**
 * An attachment of a program to a hook. Closing it detaches the program; a link is the only
 * thing that keeps an attached program alive once its object is closed.
 */
public abstract class BpfLink implements AutoCloseable {
    private final String description;

    protected BpfLink(String description) {
        this.description = description;
    }

    /** Human-readable attach point, e.g. {@code kill_entry -> tracepoint/syscalls/sys_enter_kill}. */
    public String description() {
        return description;
    }

    @Override
    public abstract void close();

    public static BpfLink of(Native n, Pointer link, String description) {
        return new LibbpfLink(n, link, description);
    }

    private static final class LibbpfLink extends BpfLink {
        private final Native n;
        private Pointer handle;

        LibbpfLink(Native n, Pointer handle, String description) {
            super(description);
            this.n = n;
            this.handle = handle;
        }

        @Override
        public synchronized void close() {
            if (handle != null) {
                n.bpf.bpf_link__destroy(handle);
                handle = null;
            }
        }
    }
}
