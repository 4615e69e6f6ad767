// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdp: report the size and ethertype of every frame an interface receives, and pass it on. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdp.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/// @ifindex 1
/// @flags 0
/// @xdpopts {"old_prog_fd": 0}
SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct frame *f;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	f = bpf_ringbuf_reserve(&events, sizeof(*f), 0);
	if (!f)
		return XDP_PASS;
	f->ifindex = ctx->ingress_ifindex;
	f->size = data_end - data;
	f->eth_proto = bpf_ntohs(eth->h_proto);
	bpf_ringbuf_submit(f, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
