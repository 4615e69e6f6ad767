package dev.ebpm.loader.internal;

/** A program attached to a hook; {@link #detach()} undoes it. The public {@code BpfLink} owns one. */
public interface Attachment {
    /** {@code bpf_link__open}: the link pinned at {@code path}. @throws NativeException when nothing is pinned there or it is not a link */
    static Attachment openPinned(String path) {
        return LibbpfLink.openPinned(path);
    }

    /** @throws NativeException when the kernel refuses to detach */
    void detach();

    /** Whether the attachment is a kernel link object, which bpffs can pin (a tc filter is not). */
    boolean pinnable();

    /** Pins the attachment at {@code path} in bpffs, so that it outlives this process. @throws NativeException */
    void pin(String path);
}
