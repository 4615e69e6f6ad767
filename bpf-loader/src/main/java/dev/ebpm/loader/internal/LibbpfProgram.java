package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;

/** libbpf's {@code struct bpf_program *}, valid while its {@link LibbpfObject} is open. */
public final class LibbpfProgram {
    private final Native n;
    private final Pointer handle;

    LibbpfProgram(Native n, Pointer handle) {
        this.n = n;
        this.handle = handle;
    }

    public String name() {
        return n.bpf.bpf_program__name(handle);
    }

    public String sectionName() {
        return n.bpf.bpf_program__section_name(handle);
    }

    public int fd() {
        return n.bpf.bpf_program__fd(handle);
    }

    public boolean autoload() {
        return n.bpf.bpf_program__autoload(handle);
    }

    /** {@code bpf_program__pin}: the program stays loaded at {@code path} in bpffs. @throws NativeException */
    public void pin(String path) {
        int rc = n.bpf.bpf_program__pin(handle, path);
        if (rc < 0) throw n.error(rc);
    }

    /** {@code bpf_program__attach}: where the section name says. @throws NativeException */
    public Attachment attach() {
        return link(n.bpf.bpf_program__attach(handle));
    }

    /** A uprobe or uretprobe on {@code function} in {@code binary}, for every process. @throws NativeException */
    public Attachment attachUprobe(String binary, String function, boolean retprobe) {
        Pointer opts = n.zeroed(StructLayouts.UprobeOpts.SIZE);
        opts.putLong(0, StructLayouts.UprobeOpts.SIZE);
        opts.putByte(StructLayouts.UprobeOpts.RETPROBE, (byte) (retprobe ? 1 : 0));
        opts.putPointer(StructLayouts.UprobeOpts.FUNC_NAME, n.cString(function));
        return link(n.bpf.bpf_program__attach_uprobe_opts(handle, -1, binary, 0, opts));
    }

    /** @throws NativeException */
    public Attachment attachXdp(int ifindex) {
        return link(n.bpf.bpf_program__attach_xdp(handle, ifindex));
    }

    /** @param cgroupFd an open cgroup directory; the link takes its own reference. @throws NativeException */
    public Attachment attachCgroup(int cgroupFd) {
        return link(n.bpf.bpf_program__attach_cgroup(handle, cgroupFd));
    }

    /** @param pfd a perf event fd; the link owns it from now on (libbpf disables and closes it on detach). @throws NativeException */
    Attachment attachPerfEvent(int pfd) {
        return link(n.bpf.bpf_program__attach_perf_event(handle, pfd));
    }

    private Attachment link(Pointer link) {
        if (link == null) throw n.lastError();
        return new LibbpfLink(n, link);
    }
}
