// SPDX-License-Identifier: GPL-2.0
// kill(2) tracer for the WASM example: the entry records who signals whom, the exit adds the
// return value and sends the event through the ring buffer.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sigsnoop.h"

/// @description "Only trace this signal number (0: all); the app sets it with -s before loading"
const volatile int target_signal = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_kill")
int wsig_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct event e = {};

	if (target_signal && (int)ctx->args[1] != target_signal)
		return 0;
	e.pid = id >> 32;
	e.tpid = (__u32)ctx->args[0];
	e.sig = (int)ctx->args[1];
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_map_update_elem(&inflight, &tid, &e, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int wsig_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0;
	struct event *out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (out) {
		__builtin_memcpy(out, e, sizeof(*out));
		out->ret = (int)ctx->ret;
		bpf_ringbuf_submit(out, 0);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
