// Reports every packet an interface receives, through XDP, then lets it pass.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct packet {
	__u32 ifindex;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct packet *__eunomia_dummy_packet_ptr __attribute__((unused));

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	struct packet *p = bpf_ringbuf_reserve(&events, sizeof(*p), 0);
	if (p) {
		p->ifindex = ctx->ingress_ifindex;
		p->len = ctx->data_end - ctx->data;
		bpf_ringbuf_submit(p, 0);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
