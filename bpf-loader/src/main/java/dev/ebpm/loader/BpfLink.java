package dev.ebpm.loader;

import dev.ebpm.loader.internal.Attachment;
import dev.ebpm.loader.internal.NativeException;
import java.nio.file.Path;

/**
 * An attachment of a program to a hook, made by one of {@link BpfProgram}'s attach calls. Closing
 * it detaches the program. A link is the only thing that keeps an attached program alive once its
 * object is closed, so unlike programs and maps it stays valid after that and may be closed in
 * any order (closing it last is what detaches the program then).
 *
 * <p>A link {@linkplain #pin pinned} in bpffs outlives the process: the pin keeps the program attached until the
 * file is removed. {@link #openPinned} takes hold of it again (closing that only releases the fd). A process that
 * wants its pinned links to stay attached leaves them open until it exits: closing the link it attached detaches the
 * hook itself (libbpf disables a perf event link's event), pinned or not.
 */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private Attachment attachment; // null once closed

    BpfLink(Attachment attachment, String description) {
        this.attachment = attachment;
        this.description = description;
    }

    /**
     * The link pinned at {@code path}, as a handle of this process. Closing it releases the fd; the program stays
     * attached for as long as the pin exists.
     *
     * @param description what to call it in messages (the attach point recorded when it was made)
     */
    public static BpfLink openPinned(Path path, String description) {
        try {
            return new BpfLink(Attachment.openPinned(path.toString()), description);
        } catch (NativeException e) {
            throw new BpfException("cannot open the link pinned at " + path + ": " + e.getMessage(), null, e.errno());
        }
    }

    /** Whether bpffs can hold this attachment: a kernel link can be pinned, a tc filter (netlink) cannot. */
    public synchronized boolean pinnable() {
        return attachment != null && attachment.pinnable();
    }

    /** Pins the link at {@code path} (its directory must exist in bpffs); removing the file unpins it. */
    public synchronized void pin(Path path) {
        if (attachment == null) throw new IllegalStateException("link " + description + " was used after it was closed");
        try {
            attachment.pin(path.toString());
        } catch (NativeException e) {
            throw new BpfException("cannot pin " + description + " at " + path + ": " + e.getMessage(), null, e.errno());
        }
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
