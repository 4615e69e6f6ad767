// An fentry program: this kernel refuses to load it (EPERM), which ebpm must explain.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry/do_unlinkat")
int BPF_PROG(refused_fentry, int dfd)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
