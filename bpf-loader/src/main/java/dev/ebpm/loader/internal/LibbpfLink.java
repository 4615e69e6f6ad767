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

    @Override
    public void detach() {
        int rc = n.bpf.bpf_link__destroy(handle); // frees the link even when detaching fails
        if (rc < 0) throw n.error(rc);
    }
}
