// Native baseline of bench/e2e: what `ebpm run sigsnoop --json --filtered_pid PID` does, in C with libbpf and the
// skeleton bpftool generates from the same object: set filtered_pid, load, attach, poll the ring buffer and print
// each event as the same JSON line ebpm prints, with printf into stdout's buffer. Prints "attached" on stderr when
// ready; on SIGINT/SIGTERM drains what is left, flushes and exits.
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "sigsnoop.skel.h"

struct event {
	int pid;
	int tpid;
	int sig;
	int ret;
	char comm[16];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig) { stop = 1; }

static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	printf("{\"pid\":%d,\"tpid\":%d,\"sig\":%d,\"ret\":%d,\"comm\":\"%s\"}\n", e->pid, e->tpid, e->sig, e->ret, e->comm);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	struct sigsnoop_bpf *skel = sigsnoop_bpf__open();
	if (!skel) { perror("open"); return 1; }
	skel->rodata->filtered_pid = argc > 1 ? atoi(argv[1]) : 0;
	if (sigsnoop_bpf__load(skel) || sigsnoop_bpf__attach(skel)) { perror("load/attach"); return 1; }
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb) { perror("ring_buffer__new"); return 1; }
	fprintf(stderr, "attached\n");
	while (!stop) ring_buffer__poll(rb, 100);
	ring_buffer__consume(rb);
	fflush(stdout);
	ring_buffer__free(rb);
	sigsnoop_bpf__destroy(skel);
	return 0;
}
