package dev.ebpm.loader.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * The kernel's BPF objects as it lists them, whoever loaded them: program and link ids ({@code BPF_*_GET_NEXT_ID}),
 * an fd per id, and what {@code BPF_OBJ_GET_INFO_BY_FD} says about each. Needs CAP_SYS_ADMIN, as bpftool does.
 */
public final class KernelObjects {
    private static final int ENOENT = 2;
    private static final int LINK_RAW_TRACEPOINT = 1, LINK_TRACING = 2, LINK_CGROUP = 3, LINK_XDP = 6, LINK_PERF_EVENT = 7;
    private static final int NAME_BUFFER = 512;

    private KernelObjects() {}

    /** A loaded program: {@code tag} is the 8-byte hash of its instructions, hex; {@code loadTimeNs} since boot. */
    public record Program(int id, int type, String typeName, String name, String tag, int uid, long loadTimeNs) {}

    /** A link: its type's name and, when the kernel says, where it attaches ("tracepoint sys_enter_kill"). */
    public record Link(int id, String typeName, int progId, String target) {}

    /** Every program id loaded now. @throws NativeException */
    public static List<Integer> programIds() {
        Native n = Native.get();
        return ids(n, true);
    }

    /** Every link id now. @throws NativeException */
    public static List<Integer> linkIds() {
        Native n = Native.get();
        return ids(n, false);
    }

    private static List<Integer> ids(Native n, boolean programs) {
        List<Integer> out = new ArrayList<>();
        Pointer next = n.zeroed(4);
        int id = 0;
        while (true) {
            int rc = programs ? n.bpf.bpf_prog_get_next_id(id, next) : n.bpf.bpf_link_get_next_id(id, next);
            if (rc == -ENOENT) return out;
            if (rc < 0) throw n.error(rc);
            id = next.getInt(0);
            out.add(id);
        }
    }

    /** The program with this id, or null if it was unloaded meanwhile. @throws NativeException */
    public static Program program(int id) {
        Native n = Native.get();
        int fd = n.bpf.bpf_prog_get_fd_by_id(id);
        if (fd < 0) return gone(n, fd);
        try {
            return program(n, fd);
        } finally {
            n.libc.close(fd);
        }
    }

    /** The link with this id, or null if it was released meanwhile. @throws NativeException */
    public static Link link(int id) {
        Native n = Native.get();
        int fd = n.bpf.bpf_link_get_fd_by_id(id);
        if (fd < 0) return gone(n, fd);
        try {
            return link(n, fd);
        } finally {
            n.libc.close(fd);
        }
    }

    private static <T> T gone(Native n, int rc) {
        if (rc == -ENOENT) return null;
        throw n.error(rc);
    }

    /**
     * The program behind what is pinned at {@code path}: the program's id for a program pin, the link's program id for a
     * link pin, and 0 for anything else (a map). @throws NativeException
     */
    public static int pinnedProgramId(String path) {
        Native n = Native.get();
        int fd = n.bpf.bpf_obj_get(path);
        if (fd < 0) throw n.lastError();
        try {
            String kind;
            try {
                kind = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd))).toString();
            } catch (IOException e) {
                return 0;
            }
            if (kind.equals("anon_inode:bpf-prog")) return program(n, fd).id();
            if (isLink(kind)) return link(n, fd).progId();
            return 0;
        } finally {
            n.libc.close(fd);
        }
    }

    /**
     * Whether an fd's /proc link target is a BPF link: the kernel names a link it creates "bpf_link" and one opened
     * from a pin "bpf-link".
     */
    public static boolean isLink(String fdTarget) {
        return fdTarget.equals("anon_inode:bpf_link") || fdTarget.equals("anon_inode:bpf-link");
    }

    private static Program program(Native n, int fd) {
        Pointer info = info(n, fd, StructLayouts.ProgInfo.SIZE);
        int type = info.getInt(StructLayouts.ProgInfo.TYPE);
        StringBuilder tag = new StringBuilder();
        for (int i = 0; i < 8; i++) tag.append(String.format("%02x", info.getByte(StructLayouts.ProgInfo.TAG + i) & 0xff));
        String typeName = n.bpf.libbpf_bpf_prog_type_str(type);
        return new Program(info.getInt(StructLayouts.ProgInfo.ID), type, typeName == null ? "type " + type : typeName,
                cName(info, StructLayouts.ProgInfo.NAME), tag.toString(), info.getInt(StructLayouts.ProgInfo.CREATED_BY_UID),
                info.getLong(StructLayouts.ProgInfo.LOAD_TIME));
    }

    private static Link link(Native n, int fd) {
        // the kernel writes names into buffers we hand it: one for whichever union member has a name
        Pointer name = n.zeroed(NAME_BUFFER);
        Pointer info = n.zeroed(StructLayouts.LinkInfo.SIZE);
        Pointer probe = info(n, fd, StructLayouts.LinkInfo.SIZE); // first call: learn the type
        int type = probe.getInt(StructLayouts.LinkInfo.TYPE);
        if (type == LINK_RAW_TRACEPOINT) {
            info.putLong(StructLayouts.LinkInfo.RAW_TP_NAME, name.address());
            info.putInt(StructLayouts.LinkInfo.RAW_TP_NAME_LEN, NAME_BUFFER);
        } else if (type == LINK_PERF_EVENT) {
            info.putLong(StructLayouts.LinkInfo.PERF_EVENT_NAME, name.address());
            info.putInt(StructLayouts.LinkInfo.PERF_EVENT_NAME_LEN, NAME_BUFFER);
        }
        Pointer len = n.zeroed(4);
        len.putInt(0, StructLayouts.LinkInfo.SIZE);
        if (type == LINK_RAW_TRACEPOINT || type == LINK_PERF_EVENT) {
            int rc = n.bpf.bpf_obj_get_info_by_fd(fd, info, len);
            if (rc < 0) info = probe; // an older kernel without names for this link type: ids only
        } else {
            info = probe;
        }
        String typeName = n.bpf.libbpf_bpf_link_type_str(type);
        return new Link(info.getInt(StructLayouts.LinkInfo.ID), typeName == null ? "type " + type : typeName,
                info.getInt(StructLayouts.LinkInfo.PROG_ID), target(n, type, info, name));
    }

    private static String target(Native n, int type, Pointer info, Pointer name) {
        return switch (type) {
            case LINK_RAW_TRACEPOINT -> "raw_tracepoint " + name.getString(0, NAME_BUFFER, StandardCharsets.UTF_8);
            case LINK_TRACING -> attachType(n, info.getInt(StructLayouts.LinkInfo.TRACING_ATTACH_TYPE))
                    + " btf_id " + Integer.toUnsignedString(info.getInt(StructLayouts.LinkInfo.TRACING_TARGET_BTF_ID));
            case LINK_CGROUP -> attachType(n, info.getInt(StructLayouts.LinkInfo.CGROUP_ATTACH_TYPE))
                    + " cgroup " + Long.toUnsignedString(info.getLong(StructLayouts.LinkInfo.CGROUP_ID));
            case LINK_XDP -> "xdp ifindex " + info.getInt(StructLayouts.LinkInfo.XDP_IFINDEX);
            case LINK_PERF_EVENT -> perfEvent(info, name);
            default -> null;
        };
    }

    /** enum bpf_perf_event_type: 1 uprobe, 2 uretprobe, 3 kprobe, 4 kretprobe, 5 tracepoint, 6 event. */
    private static String perfEvent(Pointer info, Pointer name) {
        String text = name.getString(0, NAME_BUFFER, StandardCharsets.UTF_8);
        int offset = info.getInt(StructLayouts.LinkInfo.PERF_EVENT_OFFSET);
        return switch (info.getInt(StructLayouts.LinkInfo.PERF_EVENT_TYPE)) {
            case 1 -> "uprobe " + text + (offset != 0 ? "+0x" + Integer.toHexString(offset) : "");
            case 2 -> "uretprobe " + text + (offset != 0 ? "+0x" + Integer.toHexString(offset) : "");
            case 3 -> "kprobe " + text + (offset != 0 ? "+0x" + Integer.toHexString(offset) : "");
            case 4 -> "kretprobe " + text;
            case 5 -> "tracepoint " + text;
            case 6 -> "perf event";
            default -> text.isEmpty() ? null : text;
        };
    }

    private static String attachType(Native n, int t) {
        String s = n.bpf.libbpf_bpf_attach_type_str(t);
        return s == null ? "attach type " + t : s;
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD} into a zeroed buffer of {@code size}. @throws NativeException */
    static Pointer info(Native n, int fd, int size) {
        Pointer info = n.zeroed(size);
        Pointer len = n.zeroed(4);
        len.putInt(0, size);
        int rc = n.bpf.bpf_obj_get_info_by_fd(fd, info, len);
        if (rc < 0) throw n.error(rc);
        return info;
    }

    /** A NUL-terminated name of at most 16 bytes (BPF_OBJ_NAME_LEN) at {@code offset}. */
    static String cName(Pointer p, int offset) {
        return p.getString(offset, 16, StandardCharsets.UTF_8);
    }
}
