// A kprobe: this kernel is built without CONFIG_KPROBES, so ebpm must say so in one line.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(refused_kprobe, int dfd)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
