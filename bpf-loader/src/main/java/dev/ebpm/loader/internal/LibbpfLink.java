package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/**
 * libbpf's {@code struct bpf_link *}. It is allocated apart from the object, so it stays valid
 * (and keeps its program attached) after the object is closed, until {@link #detach()}.
 */
final class LibbpfLink implements Attachment {
    private final Native n;
    private final Pointer handle;

    LibbpfLink(Native n, Pointer handle) {
        this.n = n;
        this.handle = handle;
    }

    /**
     * {@code bpf_link__open}: the link pinned at {@code path}. Detaching it only closes this fd: while the pin exists the
     * kernel keeps the program attached. @throws NativeException
     */
    static LibbpfLink openPinned(String path) {
        Native n = Native.get();
        Pointer h = n.bpf.bpf_link__open(path);
        if (h == null) throw n.lastError();
        return new LibbpfLink(n, h);
    }

    @Override
    public boolean pinnable() {
        return true;
    }

    @Override
    public void pin(String path) {
        int rc = n.bpf.bpf_link__pin(handle, path);
        if (rc < 0) throw n.error(rc);
    }

    @Override
    public void detach() {
        int rc = n.bpf.bpf_link__destroy(handle); // frees the link even when detaching fails
        if (rc < 0) throw n.error(rc);
    }
}
