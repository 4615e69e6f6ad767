// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* minimal: one tracepoint that reports through bpf_printk, no event map (ebpm run shows the lines). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/// @description "Only report this process id (0: every process)"
/// @cmdarg {"short": "p"}
const volatile int target_pid = 0;

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	int pid = bpf_get_current_pid_tgid() >> 32;

	if (target_pid && pid != target_pid)
		return 0;
	bpf_printk("BPF triggered from PID %d.\n", pid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
