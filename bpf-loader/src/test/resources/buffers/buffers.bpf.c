// Emits `per_trigger` records with increasing sequence numbers into a small ring buffer (every
// third one discarded) and a small perf buffer, each time the test process calls getpid():
// small buffers make the readers wrap around many times.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	__u64 seq;
	__u64 pad[2];
};

/* exports struct record, what both buffers carry; in a section of its own, so .bss holds next_seq alone */
struct record *__eunomia_dummy_record_ptr __attribute__((unused, section(".data.export")));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 per_trigger = 50;
__u64 next_seq = 0;

static __always_inline void emit(void *ctx)
{
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);
	struct record *r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);
	if (r) {
		r->seq = seq;
		r->pad[0] = r->pad[1] = seq * 7;
		if (seq % 3 == 0)
			bpf_ringbuf_discard(r, 0);
		else
			bpf_ringbuf_submit(r, 0);
	}
	struct record p = { .seq = seq, .pad = { seq * 7, seq * 7 } };
	bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &p, sizeof(p));
}

SEC("tp/syscalls/sys_enter_getpid")
int emit_records(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	/* a bounded loop, not bpf_loop: perf output needs the program's own ctx */
	for (int i = 0; i < 64; i++) {
		if (i >= per_trigger)
			break;
		emit(ctx);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
