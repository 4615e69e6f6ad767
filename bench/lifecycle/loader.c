// Native baseline for the lifecycle benchmark: what `ebpm run -d sigsnoop` does, in C with libbpf:
// open the object, load, attach every program, poll the `events` ring buffer. Prints "first-event"
// when the first record arrives, then keeps running (for its RSS to be read) until SIGTERM/SIGINT.
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static int seen;

static void on_signal(int sig) { stop = 1; }

static int on_event(void *ctx, void *data, size_t size)
{
	if (!seen++) {
		printf("first-event\n");
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s sigsnoop.bpf.o\n", argv[0]);
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) { perror("load"); return 1; }
	struct bpf_program *prog;
	int links = 0;
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) { perror("attach"); return 1; }
		links++;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
	if (!rb) { perror("ring_buffer__new"); return 1; }
	fprintf(stderr, "attached %d programs\n", links);
	while (!stop) ring_buffer__poll(rb, 100);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
