// SPDX-License-Identifier: BSD-3-Clause
// Producer for the perf buffer benchmark: each getpid() of the benchmark process writes
// `events_per_trigger` 32-byte samples to the perf event array of the CPU it runs on. The
// benchmark pins itself to one CPU, fills that CPU's buffer with repeated triggers, then times
// the drain (Java PerfBufferReader against libbpf's perf_buffer__consume).
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
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 events_per_trigger = 1024;
__u64 seq = 0;

struct event *__eunomia_dummy_event_ptr __attribute__((unused));

SEC("tp/syscalls/sys_enter_getpid")
int trigger(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	struct event e = {};
	e.pid = target_tgid;
	/* a bounded loop, not bpf_loop: bpf_perf_event_output needs the program's own ctx */
	for (int i = 0; i < 1024; i++) {
		if (i >= events_per_trigger)
			break;
		e.seq = seq++;
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
