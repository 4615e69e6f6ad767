// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bashreadline: print the commands typed into bash, from a uretprobe on its readline(). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bashreadline.h"

/// @description "Only report lines read by this process id (0: all)"
/// @cmdarg {"short": "p"}
const volatile int target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/// Reports the line readline() returned
SEC("uretprobe//bin/bash:readline")
int BPF_KRETPROBE(printret, const void *ret)
{
	struct str_t data = {};
	char comm[TASK_COMM_LEN];

	if (!ret)
		return 0;
	data.pid = bpf_get_current_pid_tgid() >> 32;
	if (target_pid && data.pid != target_pid)
		return 0;
	bpf_get_current_comm(&comm, sizeof(comm));
	if (comm[0] != 'b' || comm[1] != 'a' || comm[2] != 's' || comm[3] != 'h' || comm[4] != 0)
		return 0;
	__builtin_memcpy(data.comm, comm, sizeof(comm));
	bpf_probe_read_user_str(&data.str, sizeof(data.str), ret);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &data, sizeof(data));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
