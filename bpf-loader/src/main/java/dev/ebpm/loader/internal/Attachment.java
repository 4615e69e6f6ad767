package dev.ebpm.loader.internal;

/** A program attached to a hook; {@link #detach()} undoes it. The public {@code BpfLink} owns one. */
public interface Attachment {
    /** @throws NativeException when the kernel refuses to detach */
    void detach();
}
