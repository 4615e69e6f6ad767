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

    /** struct perf_event_mmap_page: the ring positions after the 1 KiB header (public: the perf reader reads them). */
    public static final class PerfEventMmapPage {
        private PerfEventMmapPage() {}

        public static final int DATA_HEAD = 1024, DATA_TAIL = 1032;
    }
}
