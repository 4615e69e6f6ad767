// SPDX-License-Identifier: BSD-3-Clause
/* Producer for the metrics benchmark: one getpid() from the benchmark process emits `events_per_trigger` events
 * through bpf_loop into a ring buffer, each with the caller's pid and comm and a key that cycles through
 * `keys` values, so that a counter labelled {pid, comm, key} has `keys` label sets. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
	__u32 pid;
	__u32 key;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 << 20);
} events SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 events_per_trigger = 1;
const volatile __u32 keys = 10000;

struct event *__eunomia_dummy_event_ptr __attribute__((unused));

struct ctx {
	__u32 pid;
	char comm[16];
};

static long emit(__u64 i, void *data)
{
	struct ctx *c = data;
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 1;
	e->seq = i;
	e->pid = c->pid;
	e->key = keys ? i % keys : 0;
	__builtin_memcpy(e->comm, c->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int trigger(void *ctx)
{
	struct ctx c = {};

	c.pid = bpf_get_current_pid_tgid() >> 32;
	if (c.pid != target_tgid)
		return 0;
	bpf_get_current_comm(c.comm, sizeof(c.comm));
	bpf_loop(events_per_trigger, emit, &c, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
