package dev.ebpm.loader.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The struct layouts ebpm fills by offset must match the system's headers (libbpf.h, the kernel's
 * uapi, epoll): compile a C program against them and compare every value.
 * (A wrong btf_custom_path offset once passed --btf as kconfig.)
 */
class StructLayoutsTest {
    @Test
    void structLayoutsMatchTheSystemHeaders(@TempDir Path dir) throws Exception {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("sizeof(struct bpf_object_open_opts)", StructLayouts.OpenOpts.SIZE);
        expected.put("offsetof(struct bpf_object_open_opts, object_name)", StructLayouts.OpenOpts.OBJECT_NAME);
        expected.put("offsetof(struct bpf_object_open_opts, btf_custom_path)", StructLayouts.OpenOpts.BTF_CUSTOM_PATH);
        expected.put("sizeof(struct bpf_uprobe_opts)", StructLayouts.UprobeOpts.SIZE);
        expected.put("offsetof(struct bpf_uprobe_opts, retprobe)", StructLayouts.UprobeOpts.RETPROBE);
        expected.put("offsetof(struct bpf_uprobe_opts, func_name)", StructLayouts.UprobeOpts.FUNC_NAME);
        expected.put("sizeof(struct bpf_tc_hook)", StructLayouts.TcHook.SIZE);
        expected.put("offsetof(struct bpf_tc_hook, ifindex)", StructLayouts.TcHook.IFINDEX);
        expected.put("offsetof(struct bpf_tc_hook, attach_point)", StructLayouts.TcHook.ATTACH_POINT);
        expected.put("sizeof(struct bpf_tc_opts)", StructLayouts.TcOpts.SIZE);
        expected.put("offsetof(struct bpf_tc_opts, prog_fd)", StructLayouts.TcOpts.PROG_FD);
        expected.put("offsetof(struct bpf_tc_opts, flags)", StructLayouts.TcOpts.FLAGS);
        expected.put("offsetof(struct bpf_tc_opts, prog_id)", StructLayouts.TcOpts.PROG_ID);
        expected.put("offsetof(struct bpf_tc_opts, handle)", StructLayouts.TcOpts.HANDLE);
        expected.put("offsetof(struct bpf_tc_opts, priority)", StructLayouts.TcOpts.PRIORITY);
        expected.put("sizeof(struct epoll_event)", StructLayouts.EpollEvent.SIZE);
        expected.put("offsetof(struct epoll_event, events)", StructLayouts.EpollEvent.EVENTS);
        expected.put("offsetof(struct epoll_event, data)", StructLayouts.EpollEvent.DATA);
        expected.put("PERF_ATTR_SIZE_VER5", StructLayouts.PerfEventAttr.SIZE_VER5);
        expected.put("offsetof(struct perf_event_attr, type)", StructLayouts.PerfEventAttr.TYPE);
        expected.put("offsetof(struct perf_event_attr, size)", StructLayouts.PerfEventAttr.SIZE_FIELD);
        expected.put("offsetof(struct perf_event_attr, config)", StructLayouts.PerfEventAttr.CONFIG);
        expected.put("offsetof(struct perf_event_attr, sample_period)", StructLayouts.PerfEventAttr.SAMPLE_PERIOD);
        expected.put("offsetof(struct perf_event_attr, sample_type)", StructLayouts.PerfEventAttr.SAMPLE_TYPE);
        expected.put("offsetof(struct perf_event_attr, wakeup_events)", StructLayouts.PerfEventAttr.WAKEUP_EVENTS);
        expected.put("offsetof(struct perf_event_attr, sample_freq)", StructLayouts.PerfEventAttr.SAMPLE_FREQ);
        // the bit fields have no offsetof: set one and see which u64 word and bit it lands in
        expected.put("offsetof(struct perf_event_attr, read_format) + 8", StructLayouts.PerfEventAttr.FLAGS);
        expected.put("({ struct perf_event_attr a = {0}; a.freq = 1; *(unsigned long long *) ((char *) &a + "
                + StructLayouts.PerfEventAttr.FLAGS + ") == " + StructLayouts.PerfEventAttr.FLAG_FREQ + "ULL; })", 1);
        expected.put("offsetof(struct perf_event_mmap_page, data_head)", StructLayouts.PerfEventMmapPage.DATA_HEAD);
        expected.put("offsetof(struct perf_event_mmap_page, data_tail)", StructLayouts.PerfEventMmapPage.DATA_TAIL);
        expected.put("offsetof(union bpf_attr, prog_type)", StructLayouts.ProgLoadAttr.PROG_TYPE);
        expected.put("offsetof(union bpf_attr, insn_cnt)", StructLayouts.ProgLoadAttr.INSN_CNT);
        expected.put("offsetof(union bpf_attr, insns)", StructLayouts.ProgLoadAttr.INSNS);
        expected.put("offsetof(union bpf_attr, license)", StructLayouts.ProgLoadAttr.LICENSE);
        expected.put("offsetof(union bpf_attr, expected_attach_type)", StructLayouts.ProgLoadAttr.EXPECTED_ATTACH_TYPE);
        expected.put("offsetof(union bpf_attr, attach_btf_id)", StructLayouts.ProgLoadAttr.ATTACH_BTF_ID);
        expected.put("sizeof(struct bpf_map_info)", StructLayouts.MapInfo.SIZE);
        expected.put("offsetof(struct bpf_map_info, type)", StructLayouts.MapInfo.TYPE);
        expected.put("offsetof(struct bpf_map_info, id)", StructLayouts.MapInfo.ID);
        expected.put("offsetof(struct bpf_map_info, key_size)", StructLayouts.MapInfo.KEY_SIZE);
        expected.put("offsetof(struct bpf_map_info, value_size)", StructLayouts.MapInfo.VALUE_SIZE);
        expected.put("offsetof(struct bpf_map_info, max_entries)", StructLayouts.MapInfo.MAX_ENTRIES);
        expected.put("offsetof(struct bpf_map_info, map_flags)", StructLayouts.MapInfo.MAP_FLAGS);
        expected.put("offsetof(struct bpf_map_info, name)", StructLayouts.MapInfo.NAME);
        expected.put("offsetof(struct bpf_map_info, btf_key_type_id)", StructLayouts.MapInfo.BTF_KEY_TYPE_ID);
        expected.put("offsetof(struct bpf_map_info, btf_value_type_id)", StructLayouts.MapInfo.BTF_VALUE_TYPE_ID);
        expected.put("sizeof(struct bpf_prog_info)", StructLayouts.ProgInfo.SIZE);
        expected.put("offsetof(struct bpf_prog_info, type)", StructLayouts.ProgInfo.TYPE);
        expected.put("offsetof(struct bpf_prog_info, id)", StructLayouts.ProgInfo.ID);
        expected.put("offsetof(struct bpf_prog_info, tag)", StructLayouts.ProgInfo.TAG);
        expected.put("offsetof(struct bpf_prog_info, load_time)", StructLayouts.ProgInfo.LOAD_TIME);
        expected.put("offsetof(struct bpf_prog_info, created_by_uid)", StructLayouts.ProgInfo.CREATED_BY_UID);
        expected.put("offsetof(struct bpf_prog_info, name)", StructLayouts.ProgInfo.NAME);
        expected.put("offsetof(struct bpf_link_info, type)", StructLayouts.LinkInfo.TYPE);
        expected.put("offsetof(struct bpf_link_info, id)", StructLayouts.LinkInfo.ID);
        expected.put("offsetof(struct bpf_link_info, prog_id)", StructLayouts.LinkInfo.PROG_ID);
        expected.put("offsetof(struct bpf_link_info, raw_tracepoint.tp_name)", StructLayouts.LinkInfo.RAW_TP_NAME);
        expected.put("offsetof(struct bpf_link_info, raw_tracepoint.tp_name_len)", StructLayouts.LinkInfo.RAW_TP_NAME_LEN);
        expected.put("offsetof(struct bpf_link_info, tracing.attach_type)", StructLayouts.LinkInfo.TRACING_ATTACH_TYPE);
        expected.put("offsetof(struct bpf_link_info, tracing.target_btf_id)", StructLayouts.LinkInfo.TRACING_TARGET_BTF_ID);
        expected.put("offsetof(struct bpf_link_info, cgroup.cgroup_id)", StructLayouts.LinkInfo.CGROUP_ID);
        expected.put("offsetof(struct bpf_link_info, cgroup.attach_type)", StructLayouts.LinkInfo.CGROUP_ATTACH_TYPE);
        expected.put("offsetof(struct bpf_link_info, xdp.ifindex)", StructLayouts.LinkInfo.XDP_IFINDEX);
        expected.put("offsetof(struct bpf_prog_info, run_time_ns)", StructLayouts.ProgInfo.RUN_TIME_NS);
        expected.put("offsetof(struct bpf_prog_info, run_cnt)", StructLayouts.ProgInfo.RUN_CNT);

        StringBuilder c = new StringBuilder("""
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/epoll.h>
            #include <linux/bpf.h>
            #include <linux/perf_event.h>
            #include <bpf/libbpf.h>
            int main(void) {
            """);
        for (String expr : expected.keySet()) c.append("    printf(\"%zu\\n\", (size_t) (").append(expr).append("));\n");
        c.append("    return 0;\n}\n");
        Path src = dir.resolve("layouts.c");
        Files.writeString(src, c);
        Process cc = new ProcessBuilder("cc", "-o", dir.resolve("layouts").toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "compiling against libbpf.h (libbpf-dev) and the kernel headers: " + ccOut);
        Process run = new ProcessBuilder(dir.resolve("layouts").toString()).start();
        String[] values = new String(run.getInputStream().readAllBytes()).trim().split("\n");
        assertEquals(0, run.waitFor());
        int i = 0;
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertEquals(Integer.parseInt(values[i++]), e.getValue(), e.getKey());
        }
    }
}
