package dev.ebpm.loader;

import dev.ebpm.loader.internal.Attachment;
import dev.ebpm.loader.internal.NativeException;

/**
 * An attachment of a program to a hook, made by one of {@link BpfProgram}'s attach calls. Closing
 * it detaches the program. A link is the only thing that keeps an attached program alive once its
 * object is closed, so unlike programs and maps it stays valid after that and may be closed in
 * any order (closing it last is what detaches the program then).
 */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private Attachment attachment; // null once closed

    BpfLink(Attachment attachment, String description) {
        this.attachment = attachment;
        this.description = description;
    }

    /** Human-readable attach point, e.g. {@code kill_entry -> tracepoint/syscalls/sys_enter_kill}. */
    public String description() {
        return description;
    }

    /** Detaches; a second close does nothing. @throws BpfException when the kernel refuses to detach */
    @Override
    public synchronized void close() {
        Attachment a = attachment;
        if (a == null) return;
        attachment = null;
        try {
            a.detach();
        } catch (NativeException e) {
            throw new BpfException("cannot detach " + description + ": " + e.getMessage(), null, e.errno());
        }
    }
}
