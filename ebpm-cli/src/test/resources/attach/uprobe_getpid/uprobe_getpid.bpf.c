// A uprobe whose section names a binary that does not exist: run it with --uprobe-binary.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct call {
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct call *__eunomia_dummy_call_ptr __attribute__((unused));

SEC("uprobe//no/such/libc.so.6:getpid")
int BPF_KPROBE(getpid_probe)
{
	struct call *c = bpf_ringbuf_reserve(&events, sizeof(*c), 0);
	if (c) {
		c->pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(c->comm, sizeof(c->comm));
		bpf_ringbuf_submit(c, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
