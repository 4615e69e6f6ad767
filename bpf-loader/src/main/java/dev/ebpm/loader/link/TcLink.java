package dev.ebpm.loader.link;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.internal.Native;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A tc classifier attached through a clsact qdisc (libbpf's bpf_tc_* API). tc has no kernel link
 * object in this libbpf, so detaching is explicit: the filter is removed on close, and the qdisc
 * too if this attachment created it.
 */
public final class TcLink extends BpfLink {
    public static final int INGRESS = 1, EGRESS = 2;
    private static final int EEXIST = 17;
    // struct bpf_tc_hook { size_t sz; int ifindex; enum attach_point; __u32 parent; } = 24 bytes
    // struct bpf_tc_opts { size_t sz; int prog_fd; __u32 flags, prog_id, handle, priority; } = 32 bytes
    private final Native n;
    private final Pointer hook;
    private final Pointer opts;
    private final boolean createdQdisc;
    private boolean closed;

    private TcLink(Native n, Pointer hook, Pointer opts, boolean createdQdisc, String description) {
        super(description);
        this.n = n;
        this.hook = hook;
        this.opts = opts;
        this.createdQdisc = createdQdisc;
    }

    public static TcLink attach(BpfProgram program, int ifindex, String ifname, int attachPoint, int handle, int priority) {
        Native n = Native.get();
        Pointer hook = Memory.allocateDirect(n.runtime, 24, true);
        hook.putLong(0, 24);
        hook.putInt(8, ifindex);
        hook.putInt(12, attachPoint);
        int rc = n.bpf.bpf_tc_hook_create(hook);
        boolean created = rc == 0;
        String where = "tc " + (attachPoint == EGRESS ? "egress" : "ingress") + " on " + ifname;
        if (rc < 0 && rc != -EEXIST) {
            throw new BpfException("program '" + program.name() + "' (" + where + ") cannot attach: " + n.strerror(-rc));
        }
        Pointer opts = Memory.allocateDirect(n.runtime, 32, true);
        opts.putLong(0, 32);
        opts.putInt(8, program.fd());
        opts.putInt(20, handle);
        opts.putInt(24, priority);
        rc = n.bpf.bpf_tc_attach(hook, opts);
        if (rc < 0) {
            if (created) n.bpf.bpf_tc_hook_destroy(hook);
            throw new BpfException("program '" + program.name() + "' (" + where + ") cannot attach: " + n.strerror(-rc));
        }
        // bpf_tc_detach wants only handle and priority set
        opts.putInt(8, 0);
        opts.putInt(12, 0);
        opts.putInt(16, 0);
        return new TcLink(n, hook, opts, created, program.name() + " -> " + where);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        n.bpf.bpf_tc_detach(hook, opts);
        if (createdQdisc) {
            hook.putInt(12, INGRESS | EGRESS); // both points: removes the clsact qdisc itself
            n.bpf.bpf_tc_hook_destroy(hook);
        }
    }
}
