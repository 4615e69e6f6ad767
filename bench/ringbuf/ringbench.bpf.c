// SPDX-License-Identifier: BSD-3-Clause
// Producer for the ring buffer throughput benchmark: one getpid() from the benchmark process
// emits `events_per_trigger` 32-byte events through bpf_loop, so a single trigger can fill the
// whole ring buffer before the consumer starts (the "drain" figure), or keep it busy (the "live" one).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
	__u64 ts;
	__u32 pid;
	__u32 cpu;
	__u64 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 128 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 events_per_trigger = 1;

struct event *__eunomia_dummy_event_ptr __attribute__((unused));

static long emit(__u64 i, void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *d = bpf_map_lookup_elem(&dropped, &zero);
		if (d)
			__sync_fetch_and_add(d, 1);
		return 0;
	}
	e->seq = i;
	e->ts = 0;
	e->pid = target_tgid;
	e->cpu = 0;
	e->pad = 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int trigger(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_loop(events_per_trigger, emit, NULL, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
