// Reports every packet an interface receives, through a tc ingress classifier.
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

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	struct packet *p = bpf_ringbuf_reserve(&events, sizeof(*p), 0);
	if (p) {
		p->ifindex = skb->ifindex;
		p->len = skb->len;
		bpf_ringbuf_submit(p, 0);
	}
	return 0; /* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "GPL";
