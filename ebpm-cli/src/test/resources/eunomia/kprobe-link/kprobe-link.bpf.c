// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* kprobe-link: each file unlinked, from a kprobe and a kretprobe on do_unlinkat. This kernel has no
 * kprobes (CONFIG_KPROBES is off): it builds, and ebpm run refuses it in one line. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kprobe-link.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)
{
	struct unlink_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ret = 0;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), BPF_CORE_READ(name, name));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(do_unlinkat_exit, long ret)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
