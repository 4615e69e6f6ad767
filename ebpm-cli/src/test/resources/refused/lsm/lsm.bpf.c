// A BPF LSM program: BPF LSM is not enabled in this kernel.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/file_open")
int BPF_PROG(refused_lsm, struct file *file)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
