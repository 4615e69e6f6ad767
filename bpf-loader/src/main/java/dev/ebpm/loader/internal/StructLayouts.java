package dev.ebpm.loader.internal;

/**
 * Sizes and field offsets of the C structs ebpm fills or reads by hand (x86-64, as compiled against
 * Debian 12's libbpf 1.1 and kernel headers). StructLayoutsTest compiles a C program against the
 * system headers and compares every value here.
 */
public final class StructLayouts {
    private StructLayouts() {}

    /** libbpf's struct bpf_object_open_opts. */
    static final class OpenOpts {
        static final int SIZE = 80, OBJECT_NAME = 8, BTF_CUSTOM_PATH = 48;
    }

    /** libbpf's struct bpf_uprobe_opts. */
    static final class UprobeOpts {
        static final int SIZE = 40, RETPROBE = 24, FUNC_NAME = 32;
    }

    /** libbpf's struct bpf_tc_hook. */
    static final class TcHook {
        static final int SIZE = 24, IFINDEX = 8, ATTACH_POINT = 12;
    }

    /** libbpf's struct bpf_tc_opts. */
    static final class TcOpts {
        static final int SIZE = 32, PROG_FD = 8, FLAGS = 12, PROG_ID = 16, HANDLE = 20, PRIORITY = 24;
    }

    /** struct epoll_event, packed on x86-64. */
    static final class EpollEvent {
        static final int SIZE = 12, EVENTS = 0, DATA = 4;
    }

    /** struct perf_event_attr, in the PERF_ATTR_SIZE_VER5 layout ebpm passes. */
    static final class PerfEventAttr {
        static final int SIZE_VER5 = 112, TYPE = 0, SIZE_FIELD = 4, CONFIG = 8, SAMPLE_PERIOD = 16, SAMPLE_TYPE = 24,
                WAKEUP_EVENTS = 48;
        /** sample_freq shares sample_period's union; the bit fields (disabled, ..., freq) fill the u64 at FLAGS. */
        static final int SAMPLE_FREQ = SAMPLE_PERIOD, FLAGS = 40;
        static final long FLAG_FREQ = 1L << 10;
    }

    /** union bpf_attr for BPF_PROG_LOAD: the fields a minimal tracing program needs. */
    static final class ProgLoadAttr {
        static final int SIZE = 128, PROG_TYPE = 0, INSN_CNT = 4, INSNS = 8, LICENSE = 16, EXPECTED_ATTACH_TYPE = 68,
                ATTACH_BTF_ID = 108;
    }

    /** The kernel's struct bpf_map_info (BPF_OBJ_GET_INFO_BY_FD on a map). */
    static final class MapInfo {
        static final int SIZE = 88, TYPE = 0, ID = 4, KEY_SIZE = 8, VALUE_SIZE = 12, MAX_ENTRIES = 16, MAP_FLAGS = 20, NAME = 24,
                BTF_KEY_TYPE_ID = 68, BTF_VALUE_TYPE_ID = 72;
    }

    /** The kernel's struct bpf_prog_info: the fields {@code ps --all} shows, and the statistics BPF_ENABLE_STATS turns on. */
    static final class ProgInfo {
        static final int SIZE = 232, TYPE = 0, ID = 4, TAG = 8, LOAD_TIME = 40, CREATED_BY_UID = 48, NAME = 64, RUN_TIME_NS = 192, RUN_CNT = 200;
    }

    /**
     * The kernel's struct bpf_link_info. The union starts at 16; the perf_event member (kernel 6.6) is newer than
     * Debian 12's headers, so its offsets are checked against a real tracepoint link (KernelProgramsTest) instead.
     */
    static final class LinkInfo {
        static final int SIZE = 64, TYPE = 0, ID = 4, PROG_ID = 8,
                RAW_TP_NAME = 16, RAW_TP_NAME_LEN = 24,
                TRACING_ATTACH_TYPE = 16, TRACING_TARGET_BTF_ID = 24,
                CGROUP_ID = 16, CGROUP_ATTACH_TYPE = 24,
                XDP_IFINDEX = 16,
                PERF_EVENT_TYPE = 16, PERF_EVENT_NAME = 24, PERF_EVENT_NAME_LEN = 32, PERF_EVENT_OFFSET = 36;
    }

    /** struct perf_event_mmap_page: the ring positions after the 1 KiB header (public: the perf reader reads them). */
    public static final class PerfEventMmapPage {
        private PerfEventMmapPage() {}

        public static final int DATA_HEAD = 1024, DATA_TAIL = 1032;
    }
}
