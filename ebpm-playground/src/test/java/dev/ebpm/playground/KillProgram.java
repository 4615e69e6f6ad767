package dev.ebpm.playground;

import java.util.Map;
import java.util.TreeMap;

/**
 * The program the tests type: every kill(2) as sender pid, target pid, signal and command, through a ring buffer, and
 * a bpf_printk line.
 */
final class KillProgram {
    /** Its program's name, as bpftool lists it. */
    static final String PROGRAM = "pg_kill";
    /** The line {@link #BROKEN_SOURCE} misses its semicolon on. */
    static final int BROKEN_LINE = 14;

    static final String HEADER = """
            #ifndef HELLO_H
            #define HELLO_H

            struct event {
            \tint pid;
            \tint tpid;
            \tint sig;
            \tchar comm[16];
            };

            #endif
            """;

    static final String SOURCE = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include "hello.h"

            struct {
            \t__uint(type, BPF_MAP_TYPE_RINGBUF);
            \t__uint(max_entries, 256 * 1024);
            } events SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_kill")
            int pg_kill(struct trace_event_raw_sys_enter *ctx)
            {
            \tstruct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
            \tif (!e) return 0;
            \te->pid = bpf_get_current_pid_tgid() >> 32;
            \te->tpid = (int)ctx->args[0];
            \te->sig = (int)ctx->args[1];
            \tbpf_get_current_comm(&e->comm, sizeof(e->comm));
            \tbpf_printk("signal %d to %d", e->sig, e->tpid);
            \tbpf_ringbuf_submit(e, 0);
            \treturn 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    /** {@link #SOURCE} with line {@value #BROKEN_LINE}'s semicolon left out. */
    static final String BROKEN_SOURCE = SOURCE.replace("if (!e) return 0;", "if (!e) return 0");

    private KillProgram() {
    }

    static ProgramFiles files() {
        return new ProgramFiles("hello", new TreeMap<>(Map.of("hello.bpf.c", SOURCE, "hello.h", HEADER)));
    }
}
