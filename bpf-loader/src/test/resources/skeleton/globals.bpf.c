/* Globals of every section kind, for the skeleton generator's offset and value logic. */
typedef unsigned int __u32;
typedef int pid_t;

struct cfg { int a; char tag[4]; };

const volatile pid_t first = 7;
const volatile char name[8] = "hi";
const volatile long long big = -5;
const volatile unsigned long long ubig = 0xffffffffffffffffULL;
int counter = 3;
struct cfg conf = { .a = 9, .tag = "ab" };
__u32 hits;
static int hidden_static = 1;
__attribute__((visibility("hidden"))) int hidden_global = 2;

__attribute__((section("tracepoint/syscalls/sys_enter_kill"), used))
int on_kill(void *ctx)
{
	hits += first + counter + hidden_static + hidden_global + conf.a + name[0] + big + ubig;
	return 0;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
