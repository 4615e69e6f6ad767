// A tcpstates-shaped program for the address rule: one event per TCP state change on `target_port`
// (the test's own loopback listener, so other traffic on the machine stays out), its addresses
// copied as tcpstates copies them: 4 bytes for IPv4, 16 for IPv6, in network order.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tcp_addrs.h"

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP_NUMBER 6

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

const volatile unsigned short target_port = 0;

SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP_NUMBER)
		return 0;
	if (ctx->sport != target_port && ctx->dport != target_port)
		return 0;
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->family = ctx->family;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->oldstate = ctx->oldstate;
	e->newstate = ctx->newstate;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	// read, not memcpy: the verifier refuses a context pointer moved to an array member
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(&e->saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(&e->daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(&e->saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(&e->daddr, 16, ctx->daddr_v6);
	}
	bpf_get_current_comm(e->task, sizeof(e->task));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
