package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/**
 * A tc classifier attached through a clsact qdisc (libbpf's bpf_tc_* API). tc has no kernel link
 * object in libbpf 1.1, so detaching is explicit: the filter is removed, and the qdisc too if this
 * attachment created it.
 */
public final class TcFilter implements Attachment {
    private static final int BPF_TC_INGRESS = 1, BPF_TC_EGRESS = 2;
    private static final int EEXIST = 17, ENOENT = 2, EOPNOTSUPP = 95;

    private final Native n;
    private final Pointer hook;
    private final Pointer opts;
    private final boolean createdQdisc;

    private TcFilter(Native n, Pointer hook, Pointer opts, boolean createdQdisc) {
        this.n = n;
        this.hook = hook;
        this.opts = opts;
        this.createdQdisc = createdQdisc;
    }

    /** @throws NativeException when the qdisc cannot be created or the filter attached */
    public static TcFilter attach(int progFd, int ifindex, boolean egress, int handle, int priority) {
        Native n = Native.get();
        Pointer hook = n.zeroed(StructLayouts.TcHook.SIZE);
        hook.putLong(0, StructLayouts.TcHook.SIZE);
        hook.putInt(StructLayouts.TcHook.IFINDEX, ifindex);
        hook.putInt(StructLayouts.TcHook.ATTACH_POINT, egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
        int rc = n.bpf.bpf_tc_hook_create(hook);
        if (rc < 0 && rc != -EEXIST) throw n.error(rc);
        boolean created = rc == 0;
        Pointer opts = n.zeroed(StructLayouts.TcOpts.SIZE);
        opts.putLong(0, StructLayouts.TcOpts.SIZE);
        opts.putInt(StructLayouts.TcOpts.PROG_FD, progFd);
        opts.putInt(StructLayouts.TcOpts.HANDLE, handle);
        opts.putInt(StructLayouts.TcOpts.PRIORITY, priority);
        rc = n.bpf.bpf_tc_attach(hook, opts);
        if (rc < 0) {
            if (created) n.bpf.bpf_tc_hook_destroy(hook);
            throw n.error(rc);
        }
        // bpf_tc_detach wants only handle and priority set
        opts.putInt(StructLayouts.TcOpts.PROG_FD, 0);
        opts.putInt(StructLayouts.TcOpts.FLAGS, 0);
        opts.putInt(StructLayouts.TcOpts.PROG_ID, 0);
        return new TcFilter(n, hook, opts, created);
    }

    /** A tc filter is a netlink object, not a kernel link: nothing in bpffs can hold it. */
    @Override
    public boolean pinnable() {
        return false;
    }

    @Override
    public void pin(String path) {
        throw new NativeException("a tc filter cannot be pinned", EOPNOTSUPP);
    }

    /** A filter someone else already removed (ENOENT) counts as detached. */
    @Override
    public void detach() {
        int rc = n.bpf.bpf_tc_detach(hook, opts);
        if (createdQdisc) {
            hook.putInt(StructLayouts.TcHook.ATTACH_POINT, BPF_TC_INGRESS | BPF_TC_EGRESS); // both points: removes the clsact qdisc itself
            int qrc = n.bpf.bpf_tc_hook_destroy(hook);
            if (rc == 0 && qrc < 0 && qrc != -ENOENT) rc = qrc;
        }
        if (rc < 0 && rc != -ENOENT) throw n.error(rc);
    }
}
