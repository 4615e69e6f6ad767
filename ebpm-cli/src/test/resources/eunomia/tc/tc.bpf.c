// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tc: report every IPv4 packet an interface receives, from a tc ingress classifier that lets it pass. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "tc.h"

#define TC_ACT_OK 0
#define ETH_P_IP 0x0800

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/// @tchook {"ifindex": 1, "attach_point": "BPF_TC_INGRESS"}
/// @tcopts {"handle": 1, "priority": 1}
SEC("tc")
int tc_ingress(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct packet *p;

	if (ctx->protocol != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	p = bpf_ringbuf_reserve(&events, sizeof(*p), 0);
	if (!p)
		return TC_ACT_OK;
	p->ifindex = ctx->ifindex;
	p->len = ctx->len;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->protocol = ip->protocol;
	p->ttl = ip->ttl;
	bpf_ringbuf_submit(p, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
