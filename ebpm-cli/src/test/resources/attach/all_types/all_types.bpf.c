// One event of every field kind the decoder knows, with fixed values, emitted when the process
// whose pid is in `trigger_pid` calls getpid(): the test checks each value as printed.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum color { RED = 1, GREEN = 2, BLUE = 40 };

struct all_types {
	__u8 u8v;
	__s8 s8v;
	__u16 u16v;
	__s16 s16v;
	__u32 u32v;
	__s32 s32v;
	__u64 u64v;
	__s64 s64v;
	unsigned __int128 u128v;
	__int128 s128v;
	bool flag;
	enum color color;
	char name[8];
	int grid[2][3];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

const volatile int trigger_pid = 0;

struct all_types *__eunomia_dummy_all_types_ptr __attribute__((unused));

SEC("tp/syscalls/sys_enter_getpid")
int emit_all_types(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != trigger_pid)
		return 0;
	struct all_types *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->u8v = 250;
	e->s8v = -100;
	e->u16v = 65000;
	e->s16v = -30000;
	e->u32v = 4000000000u;
	e->s32v = -2000000000;
	e->u64v = 18000000000000000000ull;
	e->s64v = -9000000000000000000ll;
	e->u128v = ((unsigned __int128)1 << 100) + 7;
	e->s128v = -(((__int128)1 << 90) + 3);
	e->flag = true;
	e->color = BLUE;
	__builtin_memcpy(e->name, "ebpm", 5);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			e->grid[i][j] = i * 10 + j;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
