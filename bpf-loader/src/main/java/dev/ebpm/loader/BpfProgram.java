package dev.ebpm.loader;

import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.internal.Native;
import dev.ebpm.loader.link.BpfLink;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** One program of a {@link BpfObject}; owned by the object, so it has no close of its own. */
public final class BpfProgram {
    // libbpf 1.1 struct bpf_uprobe_opts: sz, ref_ctr_offset, bpf_cookie, retprobe, func_name.
    static final int UPROBE_OPTS_SIZE = 40;
    static final int UPROBE_OPTS_RETPROBE = 24, UPROBE_OPTS_FUNC_NAME = 32;
    private static final int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    private final Native n;
    private final BpfObject owner;
    private final Pointer handle;
    private final String name;
    private final String sectionName;

    BpfProgram(Native n, BpfObject owner, Pointer handle) {
        this.n = n;
        this.owner = owner;
        this.handle = handle;
        this.name = n.bpf.bpf_program__name(handle);
        this.sectionName = n.bpf.bpf_program__section_name(handle);
    }

    public String name() {
        return name;
    }

    /** The ELF section, which tells libbpf the program type and attach point. */
    public String sectionName() {
        return sectionName;
    }

    public int fd() {
        return n.bpf.bpf_program__fd(handle);
    }

    public boolean autoload() {
        return n.bpf.bpf_program__autoload(handle);
    }

    public void setAutoload(boolean autoload) {
        n.bpf.bpf_program__set_autoload(handle, autoload);
    }

    /** Attaches where the section name says (tracepoint, raw_tp, tp_btf, uprobe/PATH:FUNC, ...). */
    public BpfLink attach() {
        owner.handle();
        LibbpfLog.clear();
        Pointer link = n.bpf.bpf_program__attach(handle);
        return linkOrThrow(link, sectionName);
    }

    /** Attaches a uprobe or uretprobe to {@code function} in {@code binary}, for any process. */
    public BpfLink attachUprobe(String binary, String function, boolean retprobe) {
        owner.handle();
        Pointer opts = Memory.allocateDirect(n.runtime, UPROBE_OPTS_SIZE, true);
        opts.putLong(0, UPROBE_OPTS_SIZE);
        opts.putByte(UPROBE_OPTS_RETPROBE, (byte) (retprobe ? 1 : 0));
        Pointer fn = BpfObject.cString(n, function);
        opts.putPointer(UPROBE_OPTS_FUNC_NAME, fn);
        LibbpfLog.clear();
        Pointer link = n.bpf.bpf_program__attach_uprobe_opts(handle, -1, binary, 0, opts);
        return linkOrThrow(link, (retprobe ? "uretprobe " : "uprobe ") + binary + ":" + function);
    }

    /** Attaches an XDP program to an interface; the link detaches it when closed. */
    public BpfLink attachXdp(int ifindex, String ifname) {
        owner.handle();
        LibbpfLog.clear();
        Pointer link = n.bpf.bpf_program__attach_xdp(handle, ifindex);
        return linkOrThrow(link, "xdp on " + ifname);
    }

    /** Attaches a cgroup program (sockops, cgroup_skb, ...) to the cgroup directory {@code cgroup}. */
    public BpfLink attachCgroup(java.nio.file.Path cgroup) {
        owner.handle();
        int fd = n.libc.open(cgroup.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            int errno = n.errno();
            throw new BpfException("program '" + name + "' cannot attach: cannot open cgroup " + cgroup + ": " + n.strerror(errno), null, errno);
        }
        try {
            LibbpfLog.clear();
            Pointer link = n.bpf.bpf_program__attach_cgroup(handle, fd);
            return linkOrThrow(link, "cgroup " + cgroup);
        } finally {
            n.libc.close(fd); // the link holds its own reference to the cgroup
        }
    }

    private BpfLink linkOrThrow(Pointer link, String where) {
        if (link == null) {
            int errno = n.errno();
            throw new BpfException("program '" + name + "' (" + where + ") cannot attach: " + n.strerror(errno)
                    + KernelSupport.explainAttachFailure(sectionName, errno), String.join("\n", LibbpfLog.lines()), errno);
        }
        return BpfLink.of(n, link, name + " -> " + where);
    }
}
